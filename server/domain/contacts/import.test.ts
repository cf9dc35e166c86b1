/** Issue 12 §6, K3: the CSV preview judges every row; a file that is not a book of clients is refused. */
import { describe, expect, it } from 'vitest'
import { CSV_MAX_ROWS } from '../../../contract/contact-import.ts'
import { previewCsv } from './import.ts'

const codeOf = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return (e as { code?: string }).code
  }
  return 'no error'
}

describe('K3 CSV preview', () => {
  it('one error list per row: a bad number, a missing name, duplicates within the file', () => {
    const csv = [
      'Name,Phone,E-mail,External ID',
      'Anna Petrova,+7 916 111-22-33,ANNA@example.com,crm-1',
      'Bad Number,12,,crm-2',
      ',+79161112244,,crm-3',
      'Twin Id,+79161112255,,crm-1',
      'Twin Phone,8 (916) 111-22-33,,',
      '"Two, Numbers","+79161112266; +79161112277",,crm-4',
    ].join('\n')
    const p = previewCsv(csv)
    expect(p.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, ['phone_invalid']],
      [4, ['name_missing']],
      [5, ['duplicate_external_id']],
      [6, ['duplicate_phone']],
      [7, []],
    ])
    expect(p.rows[0]).toMatchObject({
      phones: ['+79161112233'],
      emails: ['anna@example.com'],
      externalId: 'crm-1',
    })
    expect(p.rows[5]?.phones).toEqual(['+79161112266', '+79161112277'])
    expect([p.good, p.bad]).toEqual([2, 4])
  })

  it('Russian headers, `;` separators and a BOM (Excel in a Russian locale)', () => {
    const p = previewCsv('\uFEFFИмя;Телефон;Почта\nИван;+79161112288;ivan@example.com\n')
    expect(p.rows[0]).toMatchObject({ name: 'Иван', phones: ['+79161112288'], errors: [] })
  })

  it('a formula-looking cell is kept as inert text', () => {
    const p = previewCsv('name,phone\n"=HYPERLINK(""http://x"")",+79161112299\n@SUM(A1),+79161112300\n')
    expect(p.rows.map((r) => r.name)).toEqual(['=HYPERLINK("http://x")', '@SUM(A1)'])
    expect(p.bad).toBe(0)
  })

  it('refuses a file without a name column, a broken CSV and too many rows', () => {
    expect(codeOf(() => previewCsv('phone\n+79161112233\n'))).toBe('E_CSV_INVALID')
    expect(codeOf(() => previewCsv('name,phone\n"unclosed,+79161112233\n'))).toBe('E_CSV_INVALID')
    const big = `name,phone\n${'x,+79161112233\n'.repeat(CSV_MAX_ROWS + 1)}`
    expect(codeOf(() => previewCsv(big))).toBe('E_CSV_TOO_MANY_ROWS')
  })
})

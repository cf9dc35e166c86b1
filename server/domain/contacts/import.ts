/**
 * Issue 12 §6, SPEC K3: clients from a CSV file. `previewCsv` parses the file (csv-parse) and judges
 * every row — a name, numbers valid by libphonenumber-js (E.164), e-mails, no external id or number
 * twice in the file — without writing; `importCsv` then upserts the good rows: by external id, else by
 * a number a client already has. Cells are kept as inert text (a cell like `=SUM(A1)` is a name, not a
 * formula: nothing here or in the app evaluates it).
 */
import { parse } from 'csv-parse/sync'
import { and, eq, sql } from 'drizzle-orm'
import {
  CSV_MAX_ROWS,
  type ImportPreview,
  type ImportResult,
  type ImportRow,
  type ImportRowError,
} from '../../../contract/contact-import.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { normalisePhone } from '../channels/index.ts'
import { getClient } from './index.ts'

const { contacts } = schema

/** Header names (any case, either language) → column. */
const HEADERS: Record<string, 'name' | 'phones' | 'emails' | 'externalId'> = {
  name: 'name',
  'full name': 'name',
  имя: 'name',
  фио: 'name',
  'имя клиента': 'name',
  phone: 'phones',
  phones: 'phones',
  'phone number': 'phones',
  телефон: 'phones',
  телефоны: 'phones',
  номер: 'phones',
  email: 'emails',
  'e-mail': 'emails',
  emails: 'emails',
  почта: 'emails',
  'external id': 'externalId',
  external_id: 'externalId',
  externalid: 'externalId',
  id: 'externalId',
  'внешний id': 'externalId',
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** Several numbers or e-mails in one cell: `;`, `,` or a new line between them. */
const many = (cell: string) =>
  cell
    .split(/[;,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)

function parseRecords(csv: string): string[][] {
  try {
    return parse(csv, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      // A `;`-separated file (Excel in Russian locales) is read as such.
      delimiter: [',', ';', '\t'],
      to_line: CSV_MAX_ROWS + 2,
    }) as string[][]
  } catch {
    throw new AppError('E_CSV_INVALID')
  }
}

/** The file's rows judged one by one; nothing is written. */
export function previewCsv(csv: string): ImportPreview {
  const records = parseRecords(csv)
  const [header, ...body] = records
  if (!header) throw new AppError('E_CSV_INVALID')
  if (body.length > CSV_MAX_ROWS) throw new AppError('E_CSV_TOO_MANY_ROWS')
  const cols = header.map((h) => HEADERS[h.trim().toLowerCase()] ?? null)
  if (!cols.includes('name')) throw new AppError('E_CSV_INVALID')
  const seenIds = new Set<string>()
  const seenPhones = new Set<string>()
  const rows: ImportRow[] = body.map((cells, i) => {
    const errors = new Set<ImportRowError>()
    let name = ''
    let externalId: string | null = null
    const phones: string[] = []
    const emails: string[] = []
    cells.forEach((cell, c) => {
      const col = cols[c]
      if (col === 'name') name = name || cell
      else if (col === 'externalId') externalId = externalId ?? (cell || null)
      else if (col === 'phones')
        for (const p of many(cell)) {
          try {
            const e = normalisePhone(p)
            if (!phones.includes(e)) phones.push(e)
          } catch {
            errors.add('phone_invalid')
          }
        }
      else if (col === 'emails')
        for (const e of many(cell)) {
          if (e.length <= 254 && EMAIL.test(e)) {
            const low = e.toLowerCase()
            if (!emails.includes(low)) emails.push(low)
          } else errors.add('email_invalid')
        }
    })
    if (!name) errors.add('name_missing')
    if (name.length > 100) errors.add('name_too_long')
    if (
      phones.length === 0 &&
      emails.length === 0 &&
      !errors.has('phone_invalid') &&
      !errors.has('email_invalid')
    )
      errors.add('no_contact')
    if (phones.length > 20 || emails.length > 20) errors.add('too_many')
    const ext = externalId as string | null
    if (ext && ext.length > 100) errors.add('external_id_too_long')
    if (ext) {
      if (seenIds.has(ext)) errors.add('duplicate_external_id')
      seenIds.add(ext)
    }
    for (const p of phones) {
      if (seenPhones.has(p)) errors.add('duplicate_phone')
    }
    for (const p of phones) seenPhones.add(p)
    return { line: i + 2, name, phones, emails, externalId: ext, errors: [...errors] }
  })
  const good = rows.filter((r) => r.errors.length === 0).length
  return { rows, good, bad: rows.length - good }
}

const digits = (s: string) => s.replace(/\D/g, '')

/** Imports the good rows of the file in one transaction; every changed client is announced. */
export function importCsv(q: Queryable, tenantId: string, csv: string): Promise<ImportResult> {
  const preview = previewCsv(csv)
  return q.transaction(async (tx) => {
    // One import at a time per tenant: two at once would both insert the same new client.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`contacts-import:${tenantId}`}))`)
    const existing = await tx
      .select({
        id: contacts.id,
        phones: contacts.phones,
        emails: contacts.emails,
        externalId: contacts.externalId,
      })
      .from(contacts)
      .where(eq(contacts.tenantId, tenantId))
    const byExt = new Map<string, (typeof existing)[number]>()
    const byPhone = new Map<string, (typeof existing)[number]>()
    for (const c of existing) {
      if (c.externalId) byExt.set(c.externalId, c)
      for (const p of c.phones) byPhone.set(digits(p), c)
    }
    let created = 0
    let updated = 0
    for (const r of preview.rows) {
      if (r.errors.length) continue
      const found =
        (r.externalId ? byExt.get(r.externalId) : undefined) ??
        r.phones.map((p) => byPhone.get(digits(p))).find(Boolean)
      let id: string
      if (found) {
        const phones = [
          ...found.phones,
          ...r.phones.filter((p) => !found.phones.some((q) => digits(q) === digits(p))),
        ]
        const emails = [...found.emails, ...r.emails.filter((e) => !found.emails.includes(e))]
        await tx
          .update(contacts)
          .set({
            name: r.name,
            phones: phones.slice(0, 20),
            emails: emails.slice(0, 20),
            ...(r.externalId && !found.externalId ? { externalId: r.externalId } : {}),
          })
          .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, found.id)))
        id = found.id
        updated++
      } else {
        const [row] = await tx
          .insert(contacts)
          .values({ tenantId, name: r.name, phones: r.phones, emails: r.emails, externalId: r.externalId })
          .returning({ id: contacts.id })
        if (!row) throw new Error('contact insert returned nothing')
        id = row.id
        const c = { id, phones: r.phones, emails: r.emails, externalId: r.externalId }
        if (r.externalId) byExt.set(r.externalId, c)
        for (const p of r.phones) byPhone.set(digits(p), c)
        created++
      }
      await appendEvent(tx, tenantId, 'client.updated', { client: await getClient(tx, tenantId, id) })
    }
    return { ...preview, created, updated }
  })
}

import { describe, expect, it } from 'vitest'
import { BOM, csvCell, toCsv } from './csv.ts'

describe('workload CSV (SPEC S4)', () => {
  it('starts with the UTF-8 BOM, ends rows with CRLF, keeps Cyrillic as is', () => {
    const out = toCsv([
      ['Оператор', 'Доступен'],
      ['Анна Петрова', 1.5],
    ])
    expect(out.startsWith(BOM)).toBe(true)
    expect(out).toBe(`${BOM}Оператор,Доступен\r\nАнна Петрова,1.5\r\n`)
    expect(new TextEncoder().encode(out).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]))
  })

  it('quotes commas, quotes, semicolons, line breaks and edge spaces (RFC 4180)', () => {
    expect(csvCell('Smith, John')).toBe('"Smith, John"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('a;b')).toBe('"a;b"')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(' padded ')).toBe('" padded "')
    expect(csvCell('plain')).toBe('plain')
  })

  it('neutralises formula injection: = + - @ tab and CR at the start get an apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvCell('+7 495 000')).toBe("'+7 495 000")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('\r=1')).toBe('"\'\r=1"')
    // Our own numbers stay numbers; an inner = is harmless.
    expect(csvCell(2.25)).toBe('2.25')
    expect(csvCell('a=b')).toBe('a=b')
  })
})

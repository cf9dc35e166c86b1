import { describe, expect, it } from 'vitest'
import { ATTACHMENT_EXTENSIONS } from '../../contract/chats.ts'
import { cleanFileName, contentDisposition } from './names.ts'
import { parseRange } from './range.ts'
import {
  ATTACHMENT_BY_EXTENSION,
  ATTACHMENT_TYPES,
  declaredType,
  extensionOf,
  FILE_TYPES,
  isTextHead,
  SNIFF_BYTES,
  sniff,
  TEXT_TYPE,
} from './types.ts'

const b = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

describe('sniff', () => {
  const samples: [string, Buffer][] = [
    ['audio/webm', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
    ['audio/ogg', b('OggS', [0, 2])],
    ['audio/mpeg', b('ID3', [4, 0])],
    ['audio/mpeg', b([0xff, 0xfb, 0x90, 0x64])],
    ['audio/wav', b('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['audio/mp4', b([0, 0, 0, 0x20], 'ftypM4A ')],
    ['image/png', b([0x89], 'PNG\r\n', [0x1a], '\n', [0, 0])],
    ['image/jpeg', b([0xff, 0xd8, 0xff, 0xe0])],
    ['image/gif', b('GIF89a', [1, 0])],
    ['image/webp', b('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['application/pdf', b('%PDF-1.7\n')],
  ]
  it.each(samples)('%s is recognised, and only among the allowed', (type, head) => {
    expect(sniff(head, FILE_TYPES)).toBe(type)
    expect(
      sniff(
        head,
        // video/mp4 is any ISO media file (`ftyp`, any brand): M4A audio included.
        FILE_TYPES.filter((t) => t !== type && !(type === 'audio/mp4' && t === 'video/mp4')),
      ),
    ).toBeNull()
  })
  it('text, HTML and a WAVE header claiming to be WebP are nothing', () => {
    expect(sniff(b('<html><script>'), FILE_TYPES)).toBeNull()
    expect(sniff(b('RIFF', [1, 2, 3, 4], 'WAVE'), ['image/webp'])).toBeNull()
    expect(sniff(b(''), FILE_TYPES)).toBeNull()
  })
  it('the sniff window covers every signature; attachments are what SPEC T4 lists', () => {
    expect(SNIFF_BYTES).toBe(12)
    expect(Object.keys(ATTACHMENT_BY_EXTENSION).sort()).toEqual([...ATTACHMENT_EXTENSIONS].sort())
    expect(ATTACHMENT_TYPES).toContain(TEXT_TYPE)
  })
  it.each([
    ['docx', b('PK', [3, 4, 20, 0, 6, 0])],
    ['epub', b('PK', [3, 4, 10, 0, 0, 0])],
    ['xls', b([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])],
    ['djvu', b('AT&TFORM', [0, 0, 1, 2], 'DJVU')],
    ['mp4', b([0, 0, 0, 0x18], 'ftypisom')],
    ['txt', b('Привет, мир\n')],
    ['csv', b('a;b\n1;2\n')],
    ['jpg', b([0xff, 0xd8, 0xff, 0xe1])],
  ])('.%s: its bytes are accepted for it', (ext, head) => {
    expect(sniff(head, ATTACHMENT_BY_EXTENSION[ext]?.bytes ?? [])).not.toBeNull()
  })
  it('an .exe renamed .jpg or .txt, and a ZIP named .pdf, are refused by their bytes', () => {
    const exe = b('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0])
    expect(sniff(exe, ATTACHMENT_BY_EXTENSION.jpg?.bytes ?? [])).toBeNull()
    expect(sniff(exe, ATTACHMENT_BY_EXTENSION.txt?.bytes ?? [])).toBeNull()
    expect(sniff(b('PK', [3, 4, 20, 0]), ATTACHMENT_BY_EXTENSION.pdf?.bytes ?? [])).toBeNull()
    // Not UTF-8 (a lone continuation byte), and UTF-16 with its NULs: not text.
    expect(isTextHead(b([0x41, 0x80, 0x41]))).toBe(false)
    expect(isTextHead(Buffer.from('hi', 'utf16le'))).toBe(false)
    // A multi-byte character cut by the sniff window is still text.
    expect(isTextHead(Buffer.from('абв', 'utf8').subarray(0, 5))).toBe(true)
  })
  it('extensions: last dot of the last path part, lower-cased', () => {
    expect(extensionOf('../../a.b.JPG')).toBe('jpg')
    expect(extensionOf('C:\\x\\report.Docx')).toBe('docx')
    expect(extensionOf('.bashrc')).toBe('')
    expect(extensionOf('noext')).toBe('')
  })
  it('declared types: parameters dropped, case ignored, only the allowed', () => {
    expect(declaredType('Audio/WebM; codecs=opus', ['audio/webm'])).toBe('audio/webm')
    expect(declaredType('audio/ogg', ['audio/webm'])).toBeNull()
    expect(declaredType(undefined, ['audio/webm'])).toBeNull()
  })
})

describe('parseRange (RFC 9110 §14)', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-', { start: 990, end: 999 }],
    ['bytes=10-5000', { start: 10, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', null],
    ['bytes=0-1,5-9', null],
    ['items=0-1', null],
    ['bytes=-', null],
    [undefined, null],
  ] as const)('%s of 1000 bytes → %o', (header, want) => {
    expect(parseRange(header, 1000)).toEqual(want)
  })
})

describe('file names (untrusted text)', () => {
  it('path parts, controls and bidi overrides are stripped; the name is kept otherwise', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd')
    expect(cleanFileName('C:\\Windows\\evil.exe')).toBe('evil.exe')
    expect(cleanFileName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe')
    expect(cleanFileName('a\u0000b\nc\u2066.pdf')).toBe('abc.pdf')
    expect(cleanFileName('..')).toBe('file')
    expect(cleanFileName('   ')).toBe('file')
    expect(cleanFileName('<script>alert(1)</script>.txt')).toBe('script>.txt')
    expect([...cleanFileName('я'.repeat(400))]).toHaveLength(255)
  })
  it('Content-Disposition: an ASCII fallback and the exact name RFC 8187-encoded', () => {
    expect(contentDisposition('Отчёт "май".pdf')).toBe(
      `attachment; filename="_____ _____.pdf"; filename*=UTF-8''${encodeURIComponent('Отчёт "май".pdf')}`,
    )
    expect(contentDisposition("it's (1).png", true)).toBe(
      `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`,
    )
    expect(contentDisposition('a\r\nSet-Cookie: x=1;.txt')).not.toMatch(/[\r\n]/)
  })
})

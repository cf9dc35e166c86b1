import { describe, expect, it } from 'vitest'
import { parseRange } from './range.ts'
import { ATTACHMENT_TYPES, declaredType, FILE_TYPES, SNIFF_BYTES, sniff } from './types.ts'

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
        FILE_TYPES.filter((t) => t !== type),
      ),
    ).toBeNull()
  })
  it('text, HTML and a WAVE header claiming to be WebP are nothing', () => {
    expect(sniff(b('<html><script>'), FILE_TYPES)).toBeNull()
    expect(sniff(b('RIFF', [1, 2, 3, 4], 'WAVE'), ['image/webp'])).toBeNull()
    expect(sniff(b(''), FILE_TYPES)).toBeNull()
  })
  it('the sniff window covers every signature; attachments are images, PDF and audio', () => {
    expect(SNIFF_BYTES).toBe(12)
    expect(ATTACHMENT_TYPES.every((t) => /^(image|audio)\/|^application\/pdf$/.test(t))).toBe(true)
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

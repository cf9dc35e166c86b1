/**
 * File types by their first bytes. Callers pass the types they accept (recordings: WebM/Ogg audio;
 * chat attachments: what the file name's extension allows, ATTACHMENT_BY_EXTENSION); the declared
 * Content-Type is a hint, the bytes decide.
 */

/** A byte pattern at an offset; `mask` bits that are 0 are ignored (MPEG frame sync). */
interface Part {
  at: number
  bytes: readonly number[]
  mask?: readonly number[]
}

const ascii = (at: number, s: string): Part => ({ at, bytes: [...Buffer.from(s, 'latin1')] })

/** Each type: alternative signatures, each a list of parts that must all match. */
const SIGNATURES = {
  // EBML header (RFC 9559 §8); Ogg capture pattern (RFC 3533 §6).
  'audio/webm': [[{ at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3] }]],
  'audio/ogg': [[ascii(0, 'OggS')]],
  // ID3v2 tag, or a bare MPEG audio frame (11 sync bits, ISO/IEC 11172-3 §2.4.2.3).
  'audio/mpeg': [[ascii(0, 'ID3')], [{ at: 0, bytes: [0xff, 0xe0], mask: [0xff, 0xe0] }]],
  'audio/wav': [[ascii(0, 'RIFF'), ascii(8, 'WAVE')]],
  'audio/mp4': [[ascii(4, 'ftypM4A')]],
  'image/png': [[{ at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }]],
  'image/jpeg': [[{ at: 0, bytes: [0xff, 0xd8, 0xff] }]],
  'image/gif': [[ascii(0, 'GIF87a')], [ascii(0, 'GIF89a')]],
  'image/webp': [[ascii(0, 'RIFF'), ascii(8, 'WEBP')]],
  'application/pdf': [[ascii(0, '%PDF-')]],
  // Containers: ZIP local file header (docx, xlsx, ods, odt, epub); OLE2 compound file (doc, xls).
  'application/zip': [[{ at: 0, bytes: [0x50, 0x4b, 0x03, 0x04] }]],
  'application/x-ole-storage': [[{ at: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] }]],
  'image/vnd.djvu': [[ascii(0, 'AT&TFORM')]],
  // ISO base media file (ISO/IEC 14496-12 §4.3): a `ftyp` box first, any brand.
  'video/mp4': [[ascii(4, 'ftyp')]],
} as const satisfies Record<string, readonly (readonly Part[])[]>

/**
 * Text has no signature: a file is text when it is valid UTF-8 without NUL characters — checked on
 * the head here and on every byte by the store's guard (server/files/store.ts).
 */
export const TEXT_TYPE = 'text/plain'

/** A type the store can recognise. */
export type FileType = keyof typeof SIGNATURES | typeof TEXT_TYPE

/** Every type recognisable by a signature. */
export const FILE_TYPES = Object.keys(SIGNATURES) as FileType[]

/**
 * SPEC T4's allowed extensions: the type a download is served as, and the types its bytes may be.
 * An `.exe` renamed `.jpg` is refused: a `.jpg` must start like a JPEG.
 */
export const ATTACHMENT_BY_EXTENSION: Record<string, { mime: string; bytes: readonly FileType[] }> = {
  doc: { mime: 'application/msword', bytes: ['application/x-ole-storage'] },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    bytes: ['application/zip'],
  },
  txt: { mime: 'text/plain', bytes: [TEXT_TYPE] },
  jpg: { mime: 'image/jpeg', bytes: ['image/jpeg'] },
  jpeg: { mime: 'image/jpeg', bytes: ['image/jpeg'] },
  png: { mime: 'image/png', bytes: ['image/png'] },
  xpm: { mime: 'image/x-xpixmap', bytes: [TEXT_TYPE] },
  pdf: { mime: 'application/pdf', bytes: ['application/pdf'] },
  csv: { mime: 'text/csv', bytes: [TEXT_TYPE] },
  xls: { mime: 'application/vnd.ms-excel', bytes: ['application/x-ole-storage'] },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    bytes: ['application/zip'],
  },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', bytes: ['application/zip'] },
  odt: { mime: 'application/vnd.oasis.opendocument.text', bytes: ['application/zip'] },
  djvu: { mime: 'image/vnd.djvu', bytes: ['image/vnd.djvu'] },
  xml: { mime: 'application/xml', bytes: [TEXT_TYPE] },
  fb2: { mime: 'application/x-fictionbook+xml', bytes: [TEXT_TYPE] },
  epub: { mime: 'application/epub+zip', bytes: ['application/zip'] },
  gif: { mime: 'image/gif', bytes: ['image/gif'] },
  webp: { mime: 'image/webp', bytes: ['image/webp'] },
  mp4: { mime: 'video/mp4', bytes: ['video/mp4'] },
  ogg: { mime: 'audio/ogg', bytes: ['audio/ogg'] },
  mp3: { mime: 'audio/mpeg', bytes: ['audio/mpeg'] },
  wav: { mime: 'audio/wav', bytes: ['audio/wav'] },
}

/** The lower-case extension of a file name ('' when none). */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/** What a chat attachment may be: every type an allowed extension names. */
export const ATTACHMENT_TYPES: readonly FileType[] = [
  ...new Set(Object.values(ATTACHMENT_BY_EXTENSION).flatMap((r) => r.bytes)),
]

/** How many leading bytes decide every type. */
export const SNIFF_BYTES = Math.max(
  ...Object.values(SIGNATURES).flatMap((alts) =>
    alts.flatMap((parts) => parts.map((p) => p.at + p.bytes.length)),
  ),
)

const matches = (head: Buffer, part: Part) =>
  head.length >= part.at + part.bytes.length &&
  part.bytes.every((b, i) => ((head[part.at + i] ?? 0) & (part.mask?.[i] ?? 0xff)) === b)

/** True when `bytes` could start a UTF-8 text: no NUL, no invalid sequence (a cut one at the end is fine). */
export function isTextHead(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}

/** The first of `allowed` whose signature the head of a file carries (text last), or null. */
export function sniff(head: Buffer, allowed: readonly FileType[]): FileType | null {
  for (const type of allowed) {
    if (type === TEXT_TYPE) continue
    const alts: readonly (readonly Part[])[] = SIGNATURES[type]
    if (alts.some((parts) => parts.every((p) => matches(head, p)))) return type
  }
  return allowed.includes(TEXT_TYPE) && isTextHead(head) ? TEXT_TYPE : null
}

/** `audio/webm;codecs=opus` → `audio/webm` when it is one of `allowed`; null otherwise. */
export function declaredType<T extends FileType>(
  contentType: string | undefined,
  allowed: readonly T[],
): T | null {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return (allowed as readonly string[]).includes(base) ? (base as T) : null
}

/**
 * File types by their first bytes. Callers pass the types they accept (recordings: WebM/Ogg audio;
 * chat attachments: images, PDF, audio); the declared Content-Type is a hint, the bytes decide.
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
} as const satisfies Record<string, readonly (readonly Part[])[]>

/** A type the store can recognise. */
export type FileType = keyof typeof SIGNATURES

/** Every recognisable type. */
export const FILE_TYPES = Object.keys(SIGNATURES) as FileType[]

/** What chat attachments may be (the inbox reuses the store): images, PDF, audio. */
export const ATTACHMENT_TYPES: readonly FileType[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'audio/webm',
  'audio/ogg',
  'audio/mpeg',
  'audio/wav',
  'audio/mp4',
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

/** The first of `allowed` whose signature the head of a file carries, or null. */
export function sniff(head: Buffer, allowed: readonly FileType[]): FileType | null {
  for (const type of allowed) {
    const alts: readonly (readonly Part[])[] = SIGNATURES[type]
    if (alts.some((parts) => parts.every((p) => matches(head, p)))) return type
  }
  return null
}

/** `audio/webm;codecs=opus` → `audio/webm` when it is one of `allowed`; null otherwise. */
export function declaredType<T extends FileType>(
  contentType: string | undefined,
  allowed: readonly T[],
): T | null {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return (allowed as readonly string[]).includes(base) ? (base as T) : null
}

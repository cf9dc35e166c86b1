/**
 * Updates and media for tests and the demo: Telegram updates as the Bot API sends them (typed by
 * @grammyjs/types), and a real, playable Ogg/Opus voice note of silence (RFC 7845 framing: OpusHead,
 * OpusTags, then 20 ms CELT silence frames, pages with the Ogg CRC of RFC 3533).
 */
import type { Message, Update, User } from '@grammyjs/types'

let updateSeq = 500_000
let messageSeq = 1

/** A private chat's client. */
export const client = (id: number, first = 'Иван', last = 'Петров'): User => ({
  id,
  is_bot: false,
  first_name: first,
  last_name: last,
  username: `client${id}`,
})

/** An update with a message from `from` in his private chat with the bot. */
export function messageUpdate(
  from: User,
  extra: Partial<Message>,
  ids: { update?: number; message?: number } = {},
): Update {
  return {
    update_id: ids.update ?? ++updateSeq,
    message: {
      message_id: ids.message ?? ++messageSeq,
      date: Math.floor(Date.now() / 1000),
      chat: {
        id: from.id,
        type: 'private',
        first_name: from.first_name,
        ...(from.last_name ? { last_name: from.last_name } : {}),
      },
      from,
      ...extra,
    } as NonNullable<Update['message']>,
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    t[i] = r >>> 0
  }
  return t
})()

function oggCrc(b: Buffer): number {
  let crc = 0
  for (const x of b) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ x) & 0xff] ?? 0)) >>> 0
  return crc
}

function oggPage(packets: Buffer[], granule: bigint, seq: number, flags: number): Buffer {
  const lacing: number[] = []
  for (const p of packets) {
    let n = p.length
    while (n >= 255) {
      lacing.push(255)
      n -= 255
    }
    lacing.push(n)
  }
  const h = Buffer.alloc(27 + lacing.length)
  h.write('OggS', 0, 'latin1')
  h[5] = flags
  h.writeBigInt64LE(granule, 6)
  h.writeUInt32LE(0x46524f4e, 14) // stream serial
  h.writeUInt32LE(seq, 18)
  h[26] = lacing.length
  Buffer.from(lacing).copy(h, 27)
  const page = Buffer.concat([h, ...packets])
  page.writeUInt32LE(oggCrc(page), 22)
  return page
}

/** A silent mono Ogg/Opus voice note of `ms` milliseconds (48 kHz granules, 20 ms frames). */
export function silentOggOpus(ms = 1000): Buffer {
  const head = Buffer.alloc(19)
  head.write('OpusHead', 0, 'latin1')
  head[8] = 1 // version
  head[9] = 1 // channels
  head.writeUInt16LE(312, 10) // pre-skip
  head.writeUInt32LE(48000, 12)
  const vendor = Buffer.from('frontline', 'latin1')
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4)
  tags.write('OpusTags', 0, 'latin1')
  tags.writeUInt32LE(vendor.length, 8)
  vendor.copy(tags, 12)
  const frames = Math.max(1, Math.round(ms / 20))
  // TOC 0xf8: CELT fullband 20 ms, mono, one frame; 0xff 0xfe decodes to silence.
  const silence = Buffer.from([0xf8, 0xff, 0xfe])
  const pages = [oggPage([head], 0n, 0, 0x02), oggPage([tags], 0n, 1, 0)]
  let seq = 2
  for (let i = 0; i < frames; i += 50) {
    const n = Math.min(50, frames - i)
    const last = i + n >= frames
    pages.push(oggPage(Array(n).fill(silence), BigInt((i + n) * 960 + 312), seq++, last ? 0x04 : 0))
  }
  return Buffer.concat(pages)
}

/** T4: what the client checks before a file is queued (the server checks again, by the bytes). */
import { channelRefusal, IMAGE_EXTENSIONS } from '../../../contract/capabilities.ts'
import {
  ATTACHMENT_EXTENSIONS,
  ATTACHMENT_MAX_BYTES,
  type ChannelCapabilities,
} from '../../../contract/chats.ts'
import type { MessageKey } from '../../lib/i18n/index.ts'

const ALLOWED = new Set<string>(ATTACHMENT_EXTENSIONS)

/** The extension of a file name, lower case ('' when it has none). */
export function extensionOf(name: string): string {
  const m = /\.([^./\\]+)$/.exec(name.trim())
  return m?.[1]?.toLowerCase() ?? ''
}

/** Why a file cannot be sent (a message key taking {name}), or null when it may go. */
export function fileProblem(f: { name: string; size: number }): MessageKey | null {
  if (!ALLOWED.has(extensionOf(f.name))) return 'composer.fileType'
  if (f.size > ATTACHMENT_MAX_BYTES) return 'composer.fileSize'
  if (f.size === 0) return 'composer.fileEmpty'
  return null
}

/**
 * Why the chat's channel cannot carry a file (SPEC T1's table, the same rule the server applies), as
 * a message key and its values; null when it may go. Avito takes a PDF nowhere: said before upload.
 */
export function channelFileProblem(
  caps: ChannelCapabilities,
  f: { name: string; size: number },
): { key: MessageKey; vars: Record<string, string | number> } | null {
  const why = channelRefusal(caps, { kind: 'file', name: f.name, size: f.size })
  if (!why) return null
  const types = (caps.imageRule?.extensions ?? (caps.images ? IMAGE_EXTENSIONS : []))
    .map((e) => e.toUpperCase())
    .join(', ')
  if (why === 'fileSize')
    return {
      key: 'composer.channelFileSize',
      vars: { name: f.name, mb: Math.floor((caps.fileRule?.maxBytes ?? 0) / 1024 / 1024) },
    }
  if (why === 'fileType')
    return { key: 'composer.channelFileType', vars: { name: f.name, ext: extensionOf(f.name) } }
  if (why === 'imageSize')
    return {
      key: 'composer.channelImageSize',
      vars: { name: f.name, mb: Math.floor((caps.imageRule?.maxBytes ?? 0) / 1024 / 1024) },
    }
  return { key: caps.images ? 'composer.channelFiles' : 'composer.noFiles', vars: { name: f.name, types } }
}

/** The first bytes of the types whose bytes are easy to tell (the server checks every type). */
const MAGIC: Record<string, number[][]> = {
  jpg: [[0xff, 0xd8, 0xff]],
  jpeg: [[0xff, 0xd8, 0xff]],
  png: [[0x89, 0x50, 0x4e, 0x47]],
  gif: [[0x47, 0x49, 0x46, 0x38]],
  webp: [[0x52, 0x49, 0x46, 0x46]],
  pdf: [[0x25, 0x50, 0x44, 0x46]],
}

/** Whether a file's first bytes fit its extension (true for types not checked here). */
export function bytesFitName(name: string, head: Uint8Array): boolean {
  const sigs = MAGIC[extensionOf(name)]
  return !sigs || sigs.some((sig) => sig.every((b, i) => head[i] === b))
}

/**
 * `fileProblem`, and then the bytes: a program renamed to `evil.exe.jpg` is caught here, before it is
 * queued (the server would refuse it with 415 anyway).
 */
export async function fileProblemDeep(f: File): Promise<MessageKey | null> {
  const why = fileProblem(f)
  if (why) return why
  const head = new Uint8Array(await f.slice(0, 8).arrayBuffer())
  return bytesFitName(f.name, head) ? null : 'composer.fileType'
}

/** How a stored file is shown: image and video previews, audio players, the rest as file rows. */
export function fileShape(type: string): 'image' | 'video' | 'audio' | 'file' {
  if (/^image\/(png|jpeg|gif|webp)$/.test(type)) return 'image'
  if (type === 'video/mp4' || type === 'video/webm') return 'video'
  if (type.startsWith('audio/')) return 'audio'
  return 'file'
}

/** A byte count for people (KB/MB). */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** m:ss of a duration in milliseconds. */
export function durationText(ms: number | null): string {
  const s = Math.max(0, Math.round((ms ?? 0) / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

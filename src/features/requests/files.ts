/** T4: what the client checks before a file is queued (the server checks again, by the bytes). */
import { ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES } from '../../../contract/chats.ts'
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

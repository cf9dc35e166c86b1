/**
 * SPEC T1's channel table applied to one outgoing file: may this channel carry it? One pure rule the
 * app's composer (before upload) and the server (before the bytes are read, and for stored files)
 * both run, so they refuse the same things. Data, not an `if` on a channel's name: what a channel
 * allows is its row of CHANNEL_CAPABILITIES, with `imageRule` where it takes images only of some
 * types and sizes (Avito).
 */
import type { ChannelCapabilities } from './chats.ts'

/** Extensions a channel's `images` capability covers; every other file is a `file`. */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'bmp']

/**
 * Why a channel refuses a file: no files, no voice, an image type or size it does not take, a file
 * type its provider forbids or a file larger than it takes (`fileRule`).
 */
export type ChannelRefusal = 'files' | 'voice' | 'imageType' | 'imageSize' | 'fileType' | 'fileSize'

const extension = (name: string) => /\.([^./\\]+)$/.exec(name.trim())?.[1]?.toLowerCase() ?? ''

/** Why a channel with `caps` cannot carry this file (a voice message, or a file by name and size), or null. */
export function channelRefusal(
  caps: ChannelCapabilities,
  f: { kind: 'file' | 'voice'; name: string; size?: number | null | undefined },
): ChannelRefusal | null {
  if (f.kind === 'voice') return caps.voice ? fileRuleRefusal(caps, f) : 'voice'
  if (caps.files) return fileRuleRefusal(caps, f)
  const ext = extension(f.name)
  const image = IMAGE_EXTENSIONS.includes(ext)
  if (!image || !caps.images) return image ? 'imageType' : 'files'
  if (caps.imageRule && !caps.imageRule.extensions.includes(ext)) return 'imageType'
  if (caps.imageRule && f.size != null && f.size > caps.imageRule.maxBytes) return 'imageSize'
  return null
}

/** The provider's own file limits (`fileRule`): a forbidden extension, or more bytes than it takes. */
function fileRuleRefusal(
  caps: ChannelCapabilities,
  f: { kind: 'file' | 'voice'; name: string; size?: number | null | undefined },
): ChannelRefusal | null {
  const rule = caps.fileRule
  if (!rule) return null
  if (f.kind === 'file' && rule.forbiddenExtensions.includes(extension(f.name))) return 'fileType'
  if (f.size != null && f.size > rule.maxBytes) return 'fileSize'
  return null
}

/** A refusal for people, in both languages (the server's E_CHANNEL_CAPABILITY details carry it). */
export function refusalText(
  caps: ChannelCapabilities,
  why: ChannelRefusal,
  name: string,
): { ru: string; en: string } {
  const ext = extension(name) || '?'
  const mb = (n: number | undefined) => Math.floor((n ?? 0) / 1024 / 1024)
  switch (why) {
    case 'files':
      return { ru: 'этот канал не принимает файлы', en: 'this channel takes no files' }
    case 'voice':
      return { ru: 'этот канал не принимает голосовые сообщения', en: 'this channel takes no voice messages' }
    case 'imageType':
      return { ru: `канал не принимает изображения .${ext}`, en: `this channel takes no .${ext} images` }
    case 'imageSize':
      return {
        ru: `изображение больше ${mb(caps.imageRule?.maxBytes)} МБ`,
        en: `the image is larger than ${mb(caps.imageRule?.maxBytes)} MB`,
      }
    case 'fileType':
      return {
        ru: `провайдер канала запрещает файлы .${ext}`,
        en: `the channel's provider forbids .${ext} files`,
      }
    case 'fileSize':
      return {
        ru: `файл больше ${mb(caps.fileRule?.maxBytes)} МБ`,
        en: `the file is larger than ${mb(caps.fileRule?.maxBytes)} MB`,
      }
  }
}

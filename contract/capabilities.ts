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

/** Why a channel refuses a file: no files, no voice, an image type or size it does not take. */
export type ChannelRefusal = 'files' | 'voice' | 'imageType' | 'imageSize'

const extension = (name: string) => /\.([^./\\]+)$/.exec(name.trim())?.[1]?.toLowerCase() ?? ''

/** Why a channel with `caps` cannot carry this file (a voice message, or a file by name and size), or null. */
export function channelRefusal(
  caps: ChannelCapabilities,
  f: { kind: 'file' | 'voice'; name: string; size?: number | null | undefined },
): ChannelRefusal | null {
  if (f.kind === 'voice') return caps.voice ? null : 'voice'
  if (caps.files) return null
  const ext = extension(f.name)
  const image = IMAGE_EXTENSIONS.includes(ext)
  if (!image || !caps.images) return image ? 'imageType' : 'files'
  if (caps.imageRule && !caps.imageRule.extensions.includes(ext)) return 'imageType'
  if (caps.imageRule && f.size != null && f.size > caps.imageRule.maxBytes) return 'imageSize'
  return null
}

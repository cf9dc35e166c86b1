/**
 * SPEC T1's channel table applied to one outgoing file: may this channel carry it? One pure rule the
 * app's composer (before upload) and the server (before the bytes are read, and for stored files)
 * both run, so they refuse the same things. Data, not an `if` on a channel's name: what a channel
 * allows is CHANNEL_CAPABILITIES, and the channels that take images only of some types and sizes
 * have an entry in CHANNEL_IMAGE_RULES.
 */
import { CHANNEL_CAPABILITIES, type ChannelKind } from './chats.ts'

/** Which images a channel takes, when it restricts them. */
export interface ImageRule {
  /** File name extensions, lower case. */
  extensions: readonly string[]
  maxBytes: number
}

/** Avito Messenger API: single images only, JPEG/HEIC/GIF/BMP/PNG up to 24 MB. */
export const CHANNEL_IMAGE_RULES: Partial<Record<ChannelKind, ImageRule>> = {
  avito: { extensions: ['jpg', 'jpeg', 'heic', 'gif', 'bmp', 'png'], maxBytes: 24 * 1024 * 1024 },
}

/** Extensions a channel's `images` capability covers; every other file is a `file`. */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'bmp']

/** Why a channel refuses a file: no files, no voice, an image type or size it does not take. */
export type ChannelRefusal = 'files' | 'voice' | 'imageType' | 'imageSize'

const extension = (name: string) => /\.([^./\\]+)$/.exec(name.trim())?.[1]?.toLowerCase() ?? ''

/** Why `kind` cannot carry this file (a voice message, or a file by its name and size), or null. */
export function channelRefusal(
  kind: ChannelKind,
  f: { kind: 'file' | 'voice'; name: string; size?: number | null | undefined },
): ChannelRefusal | null {
  const caps = CHANNEL_CAPABILITIES[kind]
  if (f.kind === 'voice') return caps.voice ? null : 'voice'
  const ext = extension(f.name)
  const image = IMAGE_EXTENSIONS.includes(ext)
  if (image ? !caps.images && !caps.files : !caps.files) return image ? 'imageType' : 'files'
  const rule = CHANNEL_IMAGE_RULES[kind]
  if (!rule || caps.files) return null
  if (!rule.extensions.includes(ext)) return image ? 'imageType' : 'files'
  if (f.size != null && f.size > rule.maxBytes) return 'imageSize'
  return null
}

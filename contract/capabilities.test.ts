/** SPEC T1's channel table on one outgoing file: the rule the composer and the server share. */
import { describe, expect, it } from 'vitest'
import { channelRefusal, refusalText } from './capabilities.ts'
import { CHANNEL_CAPABILITIES } from './chats.ts'

const { avito, whatsapp, telegram } = CHANNEL_CAPABILITIES

describe('channelRefusal', () => {
  it('Avito takes single JPEG/HEIC/GIF/BMP/PNG images up to 24 MB, nothing else', () => {
    const max = avito.imageRule!.maxBytes
    expect(max).toBe(24 * 1024 * 1024)
    for (const name of ['a.jpg', 'a.JPEG', 'a.png', 'a.gif', 'a.heic', 'a.bmp'])
      expect(channelRefusal(avito, { kind: 'file', name, size: max })).toBeNull()
    expect(channelRefusal(avito, { kind: 'file', name: 'a.png', size: max + 1 })).toBe('imageSize')
    expect(channelRefusal(avito, { kind: 'file', name: 'a.webp' })).toBe('imageType')
    expect(channelRefusal(avito, { kind: 'file', name: 'price.pdf' })).toBe('files')
    expect(channelRefusal(avito, { kind: 'voice', name: 'voice' })).toBe('voice')
  })

  it('channels with files take any file and voice', () => {
    expect(channelRefusal(whatsapp, { kind: 'file', name: 'price.pdf', size: 1 })).toBeNull()
    expect(channelRefusal(whatsapp, { kind: 'file', name: 'a.webp' })).toBeNull()
    expect(channelRefusal(telegram, { kind: 'voice', name: 'voice' })).toBeNull()
  })

  it('Viber, VK and Messenger refuse what their providers refuse (fileRule), in both languages', () => {
    const { viber, vk, messenger } = CHANNEL_CAPABILITIES
    const mb = 1024 * 1024
    expect(channelRefusal(viber, { kind: 'file', name: 'price.pdf', size: 50 * mb })).toBeNull()
    expect(channelRefusal(viber, { kind: 'file', name: 'price.pdf', size: 50 * mb + 1 })).toBe('fileSize')
    expect(channelRefusal(viber, { kind: 'file', name: 'setup.EXE', size: 1 })).toBe('fileType')
    expect(channelRefusal(vk, { kind: 'file', name: 'song.mp3', size: 1 })).toBe('fileType')
    expect(channelRefusal(vk, { kind: 'file', name: 'photo.jpg', size: 1 })).toBeNull()
    expect(channelRefusal(vk, { kind: 'voice', name: 'voice.ogg', size: 1 })).toBeNull()
    expect(channelRefusal(messenger, { kind: 'file', name: 'a.pdf', size: 25 * mb + 1 })).toBe('fileSize')
    expect(refusalText(vk, 'fileType', 'song.mp3')).toEqual({
      ru: 'провайдер канала запрещает файлы .mp3',
      en: "the channel's provider forbids .mp3 files",
    })
    expect(refusalText(viber, 'fileSize', 'a.pdf').en).toBe('the file is larger than 50 MB')
  })
})

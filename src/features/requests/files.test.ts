import { describe, expect, it } from 'vitest'
import { ATTACHMENT_MAX_BYTES, CHANNEL_CAPABILITIES } from '../../../contract/chats.ts'
import { en } from '../../lib/i18n/en.ts'
import { ru } from '../../lib/i18n/ru.ts'
import {
  bytesFitName,
  channelFileProblem,
  durationText,
  extensionOf,
  fileProblem,
  fileShape,
} from './files.ts'

describe('client file checks (T4)', () => {
  it('allows the SPEC types up to 30 MB and names the reason otherwise', () => {
    expect(fileProblem({ name: 'Photo.JPG', size: 10 })).toBeNull()
    expect(fileProblem({ name: 'a.pdf', size: ATTACHMENT_MAX_BYTES })).toBeNull()
    expect(fileProblem({ name: 'a.pdf', size: ATTACHMENT_MAX_BYTES + 1 })).toBe('composer.fileSize')
    expect(fileProblem({ name: 'setup.exe', size: 10 })).toBe('composer.fileType')
    expect(fileProblem({ name: 'noext', size: 10 })).toBe('composer.fileType')
    expect(fileProblem({ name: 'evil.jpg.exe', size: 10 })).toBe('composer.fileType')
    expect(fileProblem({ name: 'empty.txt', size: 0 })).toBe('composer.fileEmpty')
  })
  it('reads extensions without trusting paths', () => {
    expect(extensionOf('../../etc/passwd')).toBe('')
    expect(extensionOf('report.final.DOCX')).toBe('docx')
  })
  it('shows images and video as previews, the rest as rows; durations as m:ss', () => {
    expect(fileShape('image/png')).toBe('image')
    expect(fileShape('image/svg+xml')).toBe('file')
    expect(fileShape('video/mp4')).toBe('video')
    expect(fileShape('audio/ogg')).toBe('audio')
    expect(fileShape('application/pdf')).toBe('file')
    expect(durationText(65_400)).toBe('1:05')
    expect(durationText(null)).toBe('0:00')
  })
})

describe('bytesFitName (a program renamed to .jpg is caught before it is queued)', () => {
  it('refuses an MZ header named .jpg, lets a real JPEG and unchecked types through', () => {
    expect(bytesFitName('evil.exe.jpg', new Uint8Array([0x4d, 0x5a, 0x90, 0]))).toBe(false)
    expect(bytesFitName('photo.JPG', new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(true)
    expect(bytesFitName('notes.txt', new Uint8Array([0x4d, 0x5a]))).toBe(true)
  })
  it("refuses what the chat's channel cannot carry before upload (T1: Avito takes images only)", () => {
    const avito = CHANNEL_CAPABILITIES.avito
    expect(channelFileProblem(avito, { name: 'price.pdf', size: 10 })).toMatchObject({
      key: 'composer.channelFiles',
      vars: { types: 'JPG, JPEG, HEIC, GIF, BMP, PNG' },
    })
    expect(channelFileProblem(avito, { name: 'photo.png', size: 25 * 1024 * 1024 })?.key).toBe(
      'composer.channelImageSize',
    )
    expect(channelFileProblem(avito, { name: 'photo.png', size: 10 })).toBeNull()
    expect(channelFileProblem(CHANNEL_CAPABILITIES.whatsapp, { name: 'price.pdf', size: 10 })).toBeNull()
  })
  it("refuses what the channel's provider refuses (VK: no mp3 documents; Messenger: 25 MB), said in both languages", () => {
    expect(channelFileProblem(CHANNEL_CAPABILITIES.vk, { name: 'song.mp3', size: 10 })).toEqual({
      key: 'composer.channelFileType',
      vars: { name: 'song.mp3', ext: 'mp3' },
    })
    expect(
      channelFileProblem(CHANNEL_CAPABILITIES.messenger, { name: 'a.pdf', size: 26 * 1024 * 1024 }),
    ).toEqual({
      key: 'composer.channelFileSize',
      vars: { name: 'a.pdf', mb: 25 },
    })
    expect(
      channelFileProblem(CHANNEL_CAPABILITIES.viber, { name: 'a.pdf', size: 29 * 1024 * 1024 }),
    ).toBeNull()
    for (const dict of [en, ru])
      for (const key of ['composer.channelFileType', 'composer.channelFileSize'] as const)
        expect(dict[key]).toMatch(/\{name\}/)
  })
})

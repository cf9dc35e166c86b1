import { describe, expect, it } from 'vitest'
import { channelKindName } from './names.ts'

describe('channelKindName (the client card names channels for people, not by their ids)', () => {
  it('says WhatsApp and SMS, not "whatsapp" and "sms"; an unknown kind stays as it is', () => {
    expect(channelKindName('whatsapp')).toBe('WhatsApp')
    expect(channelKindName('sms')).toBe('SMS')
    expect(channelKindName('telegram_bot')).toBe('Telegram bot')
    expect(channelKindName('fax')).toBe('fax')
  })
})

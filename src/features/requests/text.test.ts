import { describe, expect, it } from 'vitest'
import { CHANNEL_KINDS } from '../../../contract/chats.ts'
import { t } from '../../lib/i18n/index.ts'
import { channelLine, channelText, clientNameText, displayText, fillTemplate, shownText } from './text.ts'

describe('shown text drops bidi controls (spoofing "txt.exe" as "exe.txt")', () => {
  it('strips U+202A–U+202E and U+2066–U+2069, keeps the rest', () => {
    const spoof = 'invoice\u202Etxt.exe'
    expect(displayText(spoof)).toBe('invoicetxt.exe')
    expect(displayText('a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i')).toBe('abcdefghi')
    expect(displayText('שלום hello')).toBe('שלום hello')
  })
  it('applies to a message as shown; the stored text is not touched', () => {
    const m = { author: 'client' as const, text: 'x\u202Eyz' }
    expect(shownText(m)).toBe('xyz')
    expect(m.text).toBe('x\u202Eyz')
  })
})

describe('fillTemplate (T5: a picked template names the operator and the client)', () => {
  it('fills {operator} and {client}', () => {
    expect(fillTemplate('Hello {client}! I am {operator}.', { operator: 'Anna', client: 'Bob' })).toBe(
      'Hello Bob! I am Anna.',
    )
  })
  it('drops {client} when the client has no name', () => {
    expect(fillTemplate('Hello {client}! I am {operator}.', { operator: 'Anna', client: null })).toBe(
      'Hello! I am Anna.',
    )
  })
})

describe('channelText (T1: the channel a chat came through, by name)', () => {
  it('names every channel kind by its own name (WhatsApp, SMS, Telegram bot are not "Messenger")', () => {
    expect(channelText('webchat')).toBe(t('requests.channel.webchat'))
    expect(channelText('email')).toBe(t('requests.channel.email'))
    expect(channelText('whatsapp')).toBe('WhatsApp')
    expect(channelText('sms')).toBe('SMS')
    expect(channelText('telegram_bot')).toBe(t('channels.kind.telegram_bot'))
    const names = CHANNEL_KINDS.map(channelText)
    expect(new Set(names).size).toBe(CHANNEL_KINDS.length)
    expect(names.filter((n) => n === t('requests.channel.other'))).toEqual([t('channels.kind.messenger')])
  })
})

describe('clientNameText (a name cannot spoof the header: "Иван\u202Eevil" must not read "live Иван")', () => {
  it('drops bidi controls and falls back to "Visitor"', () => {
    expect(clientNameText('Иван \u202Elive')).toBe('Иван live')
    expect(clientNameText('  \u202E ')).toBe(t('requests.visitor'))
    expect(clientNameText(null)).toBe(t('requests.visitor'))
  })
})

describe('channelLine (the info sheet names the channel once)', () => {
  it('says kind, name and address once each', () => {
    expect(channelLine({ kind: 'email', name: 'E-mail support@x.ru', address: 'support@x.ru' })).toBe(
      'E-mail support@x.ru',
    )
    expect(channelLine({ kind: 'sms', name: 'Shop', address: '+79990000000' })).toBe(
      'SMS · Shop (+79990000000)',
    )
    expect(channelLine({ kind: 'whatsapp', name: '', address: null })).toBe('WhatsApp')
  })
})

import { describe, expect, it } from 'vitest'
import { t } from '../../lib/i18n/index.ts'
import { channelText, displayText, fillTemplate, shownText } from './text.ts'

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
  it('names website chat and e-mail; a channel without a name of its own reads as a messenger', () => {
    expect(channelText('webchat')).toBe(t('requests.channel.webchat'))
    expect(channelText('email')).toBe(t('requests.channel.email'))
    expect(channelText('email')).not.toBe(channelText('telegram_bot'))
    expect(channelText('telegram_bot')).toBe(t('requests.channel.other'))
  })
})

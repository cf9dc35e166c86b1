/** Issue 7 probe of the widget: hidden parts stay hidden, system keys translated, final refusals, voice stop. */
import { describe, expect, it } from 'vitest'
import { words } from './i18n.ts'
import { isFinalRefusal, Refused } from './net.ts'
import { CSS, systemText } from './view.ts'
import { VoiceRecorder } from './voice.ts'

describe('widget units', () => {
  it('[hidden] beats every display rule (the voice bar showed while hidden: form,.voice{display:flex} came later)', () => {
    expect(CSS.replace(/\s/g, '')).toContain('[hidden]{display:none!important}')
  })

  it('system messages are shown in the visitor words: chat.completed translated, an unknown key generic', () => {
    for (const lang of ['en', 'ru'] as const) {
      const t = words(lang)
      expect(systemText('chat.completed', t)).toBe(t.completed)
      expect(systemText('chat.something.new', t)).toBe(t.systemEvent)
      expect(systemText('chat.completed', t)).not.toContain('chat.')
    }
  })

  it('a file refused for its type or size (415/413) is final: no Retry; other refusals may be retried', () => {
    expect(isFinalRefusal(new Refused(415, 'E_FILE_TYPE', 'no'))).toBe(true)
    expect(isFinalRefusal(new Refused(413, 'E_FILE_TOO_LARGE', 'no'))).toBe(true)
    expect(isFinalRefusal(new Refused(409, 'E_CHANNEL_OFF', 'off'))).toBe(false)
    expect(isFinalRefusal(new Error('HTTP 503'))).toBe(false)
  })

  it('"Stop recording" while not recording resolves to nothing instead of throwing', async () => {
    await expect(new VoiceRecorder().stop()).resolves.toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { answerFromClick, answerParam } from './wake.ts'

describe('N1 §3 Answer from an incoming-call notification', () => {
  it('reads the SIP Call-ID from the path the worker opened', () => {
    expect(answerParam('call=c1&answer=abc%40host')).toBe('abc@host')
    expect(answerParam('call=c1')).toBeNull()
    expect(answerParam(`answer=${'x'.repeat(300)}`)).toBeNull()
    expect(answerParam('answer=a%3Cb')).toBeNull()
  })

  it('an Answer click on a call push answers that call until its ring time', () => {
    const ringUntil = '2026-11-29T17:00:20.000Z'
    const m = {
      kind: 'notification-click',
      action: 'answer',
      path: '/calls?call=c1',
      data: { kind: 'call', sipCallId: 'sip-1', ringUntil },
    }
    expect(answerFromClick(m, 0)).toEqual({ sipCallId: 'sip-1', until: Date.parse(ringUntil) })
  })

  it('Decline and plain opens answer nothing; a path with answer= is enough without data', () => {
    expect(
      answerFromClick(
        { kind: 'notification-click', action: 'decline', data: { kind: 'call', sipCallId: 's' } },
        0,
      ),
    ).toBeNull()
    expect(
      answerFromClick({ kind: 'notification-click', action: 'default', path: '/calls?call=c1' }, 0),
    ).toBeNull()
    // The body where it does the main thing: the worker's plan put answer= in the path.
    expect(
      answerFromClick({ kind: 'notification-click', action: 'default', path: '/calls?answer=s' }, 0),
    ).toEqual({ sipCallId: 's', until: 60_000 })
    expect(
      answerFromClick({ kind: 'notification-click', action: 'answer', path: '/calls?answer=s' }, 5),
    ).toEqual({
      sipCallId: 's',
      until: 60_005,
    })
    expect(answerFromClick(null, 0)).toBeNull()
  })
})

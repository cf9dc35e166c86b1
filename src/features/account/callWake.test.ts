import { describe, expect, it } from 'vitest'
import { callWakeRow } from './callWake.ts'

describe('N1 §3 Settings: calls can wake this app', () => {
  it('yes only with a live push subscription and a phone line', () => {
    expect(callWakeRow('subscribed', true)).toEqual({ state: 'device.calls.yes', tone: 'granted' })
    expect(callWakeRow('subscribed', false)).toMatchObject({ state: 'device.calls.noLine', tone: 'denied' })
  })

  it('says what to do: allow notifications, or keep the app open where this browser cannot be woken', () => {
    expect(callWakeRow('permission', true)).toMatchObject({ todo: 'device.calls.allow.todo' })
    expect(callWakeRow('denied', true)).toMatchObject({ todo: 'device.calls.allow.todo' })
    expect(callWakeRow('unsupported', true)).toMatchObject({
      tone: 'denied',
      todo: 'device.calls.keepOpen.todo',
    })
    expect(callWakeRow('unreachable', true)).toMatchObject({ todo: 'device.calls.keepOpen.todo' })
  })
})

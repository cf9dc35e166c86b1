import { describe, expect, it } from 'vitest'
import { type PresenceInput, presenceOf } from './presence.ts'
import { DEFAULT_STATUS_MATRIX, type StatusDef } from './status.ts'

const status = (id: string): StatusDef => DEFAULT_STATUS_MATRIX.find((s) => s.id === id)!
const base: PresenceInput = {
  status: status('available'),
  line: true,
  mobile: false,
  onCall: false,
  ringing: false,
}

describe('presenceOf (S1, C2: one rule for routing, groups, pickers and the app)', () => {
  it('available with a live line: may be called on the softphone, label is the status name', () => {
    expect(presenceOf(base)).toEqual({
      state: 'available',
      mayCall: true,
      via: { softphone: true, mobile: false },
      mayChat: true,
      labelKey: null,
    })
  })
  it('"Available" but logged out, offline or switched away (no registration): offline, not callable', () => {
    const p = presenceOf({ ...base, line: false })
    expect(p).toMatchObject({
      state: 'offline',
      mayCall: false,
      mayChat: false,
      labelKey: 'presence.offline',
    })
  })
  it('"Available" with no line but a reachable mobile: callable on the mobile only', () => {
    expect(presenceOf({ ...base, line: false, mobile: true })).toMatchObject({
      state: 'available',
      via: { softphone: false, mobile: true },
    })
  })
  it('on a call beats everything: not callable (no call waiting), shown "on a call"', () => {
    expect(presenceOf({ ...base, onCall: true })).toMatchObject({
      state: 'on_call',
      mayCall: false,
      labelKey: 'presence.on_call',
    })
    expect(presenceOf({ ...base, onCall: true, line: false }).state).toBe('on_call')
  })
  it('ringing: shown ringing, not offered another call', () => {
    expect(presenceOf({ ...base, ringing: true })).toMatchObject({ state: 'ringing', mayCall: false })
  })
  it('a status that allows no incoming call: unavailable with its own name, chats as the matrix says', () => {
    expect(presenceOf({ ...base, status: status('break') })).toMatchObject({
      state: 'unavailable',
      mayCall: false,
      mayChat: true,
      labelKey: null,
    })
    expect(presenceOf({ ...base, status: status('off_work') }).mayChat).toBe(false)
  })
  it('Away allows the mobile only: a registered softphone is not rung, a mobile is', () => {
    // Their chosen status, not "Offline": the app may well be open; only the mobile is out of reach.
    expect(presenceOf({ ...base, status: status('away') })).toMatchObject({
      state: 'unavailable',
      labelKey: null,
    })
    expect(presenceOf({ ...base, status: status('away'), mobile: true }).via).toEqual({
      softphone: false,
      mobile: true,
    })
  })
  it('an unknown status allows nothing', () => {
    expect(presenceOf({ ...base, status: undefined })).toMatchObject({ state: 'unavailable', mayCall: false })
  })
})

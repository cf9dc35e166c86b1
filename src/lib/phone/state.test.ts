import { describe, expect, it } from 'vitest'
import {
  admitIncoming,
  answerUpdate,
  type CallEvent,
  type CallState,
  callReducer,
  canDial,
  endFromResponse,
  initialLine,
  type LineEvent,
  lineReducer,
  newCall,
  reconnectDelayMs,
  referralAllowed,
  registerFailed,
  renewAtMs,
} from './state.ts'

const line = (...events: LineEvent[]) => events.reduce(lineReducer, initialLine)
const call = (dir: 'incoming' | 'outgoing', ...events: CallEvent[]) =>
  events.reduce(callReducer, newCall('c1', dir, '101'))
const ended = (code: number | null = null): CallEvent => ({
  type: 'ended',
  at: 9,
  cause: { kind: 'remote_hangup', code, reason: 'BYE' },
})

describe('line', () => {
  it('registers, loses the transport, reconnects with a growing attempt count, then resets', () => {
    const lost = line(
      { type: 'register' },
      { type: 'registered', at: 1 },
      { type: 'lost', reason: 'ws closed' },
    )
    expect(lost).toMatchObject({ status: 'reconnecting', attempt: 1, error: 'ws closed', registeredAt: null })
    const lostTwice = lineReducer(lost, { type: 'lost', reason: 'again' })
    expect(lostTwice.attempt).toBe(2)
    const back = [{ type: 'register' } as const, { type: 'registered', at: 5 } as const].reduce(
      lineReducer,
      lostTwice,
    )
    expect(back).toEqual({ status: 'registered', error: null, attempt: 0, registeredAt: 5 })
  })

  it('A4 a rejected REGISTER fails with the response, and re-register starts again', () => {
    const failed = line({ type: 'register' }, { type: 'rejected', code: 403, reason: 'Forbidden' })
    expect(failed).toMatchObject({ status: 'failed', error: '403 Forbidden' })
    expect(lineReducer(failed, { type: 'register' }).status).toBe('registering')
  })

  it('illegal events are ignored (same object)', () => {
    expect(lineReducer(initialLine, { type: 'registered', at: 1 })).toBe(initialLine)
    expect(lineReducer(initialLine, { type: 'lost', reason: 'x' })).toBe(initialLine)
    const failed = line({ type: 'register' }, { type: 'rejected', code: 403, reason: 'F' })
    expect(lineReducer(failed, { type: 'lost', reason: 'x' })).toBe(failed)
  })

  it('backoff doubles up to 30 s with bounded jitter', () => {
    expect([1, 2, 3, 4, 10].map((a) => reconnectDelayMs(a, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 30000,
    ])
    expect(reconnectDelayMs(1, () => 0)).toBe(800)
    expect(reconnectDelayMs(1, () => 1)).toBe(1200)
  })

  it('credentials are renewed before they expire', () => {
    expect(renewAtMs(3_600_000, 0)).toBe(3_240_000)
    expect(renewAtMs(100_000, 0)).toBe(70_000)
    expect(renewAtMs(10_000, 0)).toBe(0)
  })
})

describe('call', () => {
  it('outgoing: dial → ringing → active ⇄ held → ended by remote BYE', () => {
    let c = call('outgoing', { type: 'dial', at: 1 }, { type: 'progress' }, { type: 'answered', at: 2 })
    expect(c).toMatchObject({ status: 'active', startedAt: 1, answeredAt: 2 })
    c = callReducer(c, { type: 'hold' })
    expect(c.status).toBe('held')
    c = callReducer(c, { type: 'unhold' })
    expect(c.status).toBe('active')
    c = callReducer(c, ended())
    expect(c).toMatchObject({ status: 'ended', endedAt: 9, end: { kind: 'remote_hangup' } })
  })

  it('incoming is answered straight to active; hold is illegal before answer', () => {
    const ringing = call('incoming', { type: 'invite', at: 1 })
    expect(callReducer(ringing, { type: 'hold' })).toBe(ringing)
    expect(callReducer(ringing, { type: 'answered', at: 3 }).status).toBe('active')
  })

  it('C4 mute is a flag on a live call, cleared when the call ends', () => {
    let c = call('outgoing', { type: 'dial', at: 1 }, { type: 'answered', at: 2 }, { type: 'mute', on: true })
    expect(c).toMatchObject({ status: 'active', muted: true })
    c = callReducer(c, { type: 'hold' })
    expect(c.muted).toBe(true)
    c = callReducer(c, ended())
    expect(c.muted).toBe(false)
    expect(callReducer(c, { type: 'mute', on: true })).toBe(c)
  })

  it('C4 being held by the other side is a flag: our own hold state is untouched', () => {
    let c = call('incoming', { type: 'invite', at: 1 }, { type: 'answered', at: 2 })
    expect(callReducer(c, { type: 'remoteHold', on: false })).toBe(c)
    c = callReducer(c, { type: 'remoteHold', on: true })
    expect(c).toMatchObject({ status: 'active', remoteHeld: true })
    c = callReducer(c, { type: 'remoteHold', on: false })
    expect(c.remoteHeld).toBe(false)
    c = callReducer(callReducer(c, { type: 'remoteHold', on: true }), ended())
    expect(c.remoteHeld).toBe(false)
  })

  it('C5 a failed transfer returns to active; a successful one ends the call', () => {
    const active = call('incoming', { type: 'invite', at: 1 }, { type: 'answered', at: 2 })
    const t = callReducer(active, { type: 'transfer' })
    expect(t.status).toBe('transferring')
    expect(callReducer(t, { type: 'transferFailed' }).status).toBe('active')
    expect(callReducer(t, ended()).status).toBe('ended')
  })

  it('an ended call accepts nothing', () => {
    const done = call('outgoing', { type: 'dial', at: 1 }, ended(486))
    for (const e of [{ type: 'answered', at: 3 }, { type: 'hold' }, { type: 'transfer' }] as CallEvent[]) {
      expect(callReducer(done, e)).toBe(done)
    }
  })
})

describe('rules', () => {
  const live = (status: CallState['status']): CallState => ({ ...newCall('x', 'incoming', '1'), status })

  it('C2 a second incoming call during an active one is rejected with 486', () => {
    expect(admitIncoming([live('active')], false)).toEqual({ ok: false, code: 486 })
    expect(admitIncoming([live('incoming')], false)).toEqual({ ok: false, code: 486 })
    expect(admitIncoming([live('held')], false)).toEqual({ ok: false, code: 486 })
    expect(admitIncoming([live('ended')], false)).toEqual({ ok: true })
    expect(admitIncoming([], false)).toEqual({ ok: true })
  })

  it('C6 an INVITE with Replaces (attended transfer) is admitted during a call', () => {
    expect(admitIncoming([live('active')], true)).toEqual({ ok: true })
  })

  it('C6 a consultation call may be dialled only while the other call is held', () => {
    expect(canDial([live('held')])).toBe(true)
    expect(canDial([live('active')])).toBe(false)
    expect(canDial([live('ended')])).toBe(true)
  })

  it('C8 failure reasons come from the final response', () => {
    expect(endFromResponse(486, 'Busy Here').kind).toBe('busy')
    expect(endFromResponse(603, 'Decline').kind).toBe('declined')
    expect(endFromResponse(480, 'Temporarily Unavailable').kind).toBe('unavailable')
    expect(endFromResponse(404, 'Not Found').kind).toBe('not_found')
    expect(endFromResponse(408, 'Request Timeout').kind).toBe('no_answer')
    expect(endFromResponse(500, 'Server Error')).toEqual({
      kind: 'failed',
      code: 500,
      reason: 'Server Error',
    })
  })
})

describe('registerFailed (first REGISTER in start, or a re-register)', () => {
  const registering = line({ type: 'register' })
  it('a lost transport or no answer reconnects with backoff, like a transport loss', () => {
    const r = registerFailed(registering, { code: null, reason: 'WebSocket closed' })
    expect(r.reconnect).toBe(true)
    expect(r.line).toMatchObject({ status: 'reconnecting', attempt: 1, error: 'WebSocket closed' })
    // The next failure backs off further.
    const again = registerFailed(lineReducer(r.line, { type: 'register' }), { code: null, reason: 'x' })
    expect(again.line.attempt).toBe(2)
    expect(reconnectDelayMs(again.line.attempt, () => 0.5)).toBeGreaterThan(reconnectDelayMs(1, () => 0.5))
  })
  it('temporary SIP answers (408, 480, 5xx) reconnect too', () => {
    for (const code of [408, 480, 500, 503])
      expect(registerFailed(registering, { code, reason: 'Busy' })).toMatchObject({
        reconnect: true,
        line: { status: 'reconnecting', error: `${code} Busy` },
      })
  })
  it('a final refusal (403, 404) fails and waits for new credentials or A4', () => {
    expect(registerFailed(registering, { code: 403, reason: 'Forbidden' })).toEqual({
      reconnect: false,
      line: { ...registering, status: 'failed', error: '403 Forbidden', registeredAt: null },
    })
    expect(registerFailed(registering, { code: 404, reason: 'Not Found' }).reconnect).toBe(false)
  })
  it('after stop (unregistered) nothing reconnects', () => {
    expect(registerFailed(initialLine, { code: null, reason: 'x' })).toEqual({
      line: initialLine,
      reconnect: false,
    })
  })
})

describe('referralAllowed (RFC 3515: whose REFER the softphone follows)', () => {
  const d = 'acme.frontline.test'
  it('follows a colleague (an extension in our domain)', () => {
    expect(referralAllowed({ user: '101', host: d }, d)).toBe(true)
    expect(referralAllowed({ user: '500', host: 'ACME.frontline.test' }, d)).toBe(true)
  })
  it('refuses site guests, the phone network and phone numbers (toll fraud)', () => {
    expect(referralAllowed({ user: 'guest-3f9a', host: d }, d)).toBe(false)
    expect(referralAllowed({ user: 'gateway', host: d }, d)).toBe(false)
    expect(referralAllowed({ user: '+79161234567', host: d }, d)).toBe(false)
    expect(referralAllowed({ user: '89161234567', host: d }, d)).toBe(false)
    expect(referralAllowed({ user: '', host: d }, d)).toBe(false)
  })
  it('refuses other domains, and everything when our domain is unknown', () => {
    expect(referralAllowed({ user: '101', host: 'evil.example' }, d)).toBe(false)
    expect(referralAllowed({ user: '101', host: 'other.frontline.test' }, d)).toBe(false)
    expect(referralAllowed({ user: '101', host: '' }, '')).toBe(false)
  })
})

describe('answerUpdate (RFC 3311, RFC 4028 refresh)', () => {
  const u = { inDialog: true, hasBody: false, require: [] as string[] }
  it('a body-less UPDATE in a dialog is a refresh: 200 without Session-Expires (no timer of ours)', () => {
    expect(answerUpdate(u)).toEqual({ statusCode: 200, extraHeaders: [] })
  })
  it('outside any dialog: 481', () => {
    expect(answerUpdate({ ...u, inDialog: false }).statusCode).toBe(481)
  })
  it('a media offer by UPDATE: 488, media changes come by re-INVITE', () => {
    expect(answerUpdate({ ...u, hasBody: true }).statusCode).toBe(488)
  })
  it('a required extension we do not support: 420 naming it', () => {
    expect(answerUpdate({ ...u, require: [' timer', ''] })).toEqual({
      statusCode: 420,
      extraHeaders: ['Unsupported: timer'],
    })
  })
})

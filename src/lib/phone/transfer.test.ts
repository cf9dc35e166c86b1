/**
 * C5 blind transfer, the transferor's side (probe 11 item 24): a transfer given up on at the timeout
 * leaves the call active; should the target still answer (a 200 crossing Kamailio's CANCEL), the late
 * NOTIFY 2xx ends our side as transferred — never two operators on one client.
 */
import { type Session, SessionState, URI } from 'sip.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CallHandle } from './call.ts'

type Notify = (n: { accept: () => Promise<void>; request: { body: string } }) => void

function fakeSession() {
  let listener: (s: SessionState) => void = () => undefined
  const s = {
    id: 's1',
    remoteIdentity: { uri: new URI('sip', '+79165550313', 'demo.frontline.local'), displayName: '' },
    request: { callId: 'c1@test' },
    stateChange: { addListener: (f: (s: SessionState) => void) => (listener = f) },
    delegate: {},
    sessionDescriptionHandler: undefined,
    notify: undefined as Notify | undefined,
    refer: vi.fn((_to: unknown, o: { onNotify: Notify }) => {
      s.notify = o.onNotify
      return Promise.resolve()
    }),
    bye: vi.fn(() => Promise.resolve()),
    go: (st: SessionState) => listener(st),
  }
  return s
}

const frag = (code: number) => ({
  accept: () => Promise.resolve(),
  request: { body: `SIP/2.0 ${code} OK\r\n` },
})

describe('blind transfer timeout', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a 2xx NOTIFY after "Transfer failed" ends our side as transferred', async () => {
    const s = fakeSession()
    const call = new CallHandle(s as unknown as Session, 'incoming', {
      changed: () => undefined,
      now: () => 0,
      outputDeviceId: null,
      onReferred: () => undefined,
      media: { constraints: { audio: true, video: false } },
    })
    s.go(SessionState.Established)
    expect(call.state.status).toBe('active')
    const done = call.blindTransfer(new URI('sip', '101', 'demo.frontline.local'), 4000)
    const outcome = done.then(
      () => 'ok',
      (e: Error) => e.message,
    )
    await vi.advanceTimersByTimeAsync(4000)
    expect(await outcome).toBe('transfer timed out')
    expect(call.state.status).toBe('active')
    expect(s.bye).not.toHaveBeenCalled()
    s.notify?.(frag(200))
    expect(s.bye).toHaveBeenCalledTimes(1)
  })

  it('a failure NOTIFY after the timeout changes nothing', async () => {
    const s = fakeSession()
    const call = new CallHandle(s as unknown as Session, 'incoming', {
      changed: () => undefined,
      now: () => 0,
      outputDeviceId: null,
      onReferred: () => undefined,
      media: { constraints: { audio: true, video: false } },
    })
    s.go(SessionState.Established)
    const done = call.blindTransfer(new URI('sip', '101', 'demo.frontline.local'), 4000).catch(() => 'failed')
    await vi.advanceTimersByTimeAsync(4000)
    expect(await done).toBe('failed')
    s.notify?.(frag(408))
    expect(s.bye).not.toHaveBeenCalled()
    expect(call.state.status).toBe('active')
  })
})

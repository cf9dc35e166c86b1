import { describe, expect, it } from 'vitest'
import {
  backoffMs,
  CLOSE_UNAUTHORIZED,
  type LinkInput,
  type LinkState,
  resumePoint,
  shouldApply,
  step,
} from './machine.ts'

function run(inputs: LinkInput[], from: LinkState = { kind: 'idle' }) {
  let s = from
  const effects = []
  for (const i of inputs) {
    const r = step(s, i)
    s = r.state
    effects.push(...r.effects)
  }
  return { s, effects }
}

describe('resumePoint', () => {
  it('first connect skips the backlog and asks for snapshots', () => {
    expect(resumePoint(undefined, 42)).toEqual({ since: 42, resetLocal: true, dropMirror: false })
  })
  it('reconnect resumes from the last applied seq', () => {
    expect(resumePoint(40, 42)).toEqual({ since: 40, resetLocal: false, dropMirror: false })
    expect(resumePoint(42, 42)).toEqual({ since: 42, resetLocal: false, dropMirror: false })
  })
  it('a server whose feed is behind ours was reset: start over', () => {
    expect(resumePoint(100, 7)).toEqual({ since: 7, resetLocal: true, dropMirror: true })
  })
})

describe('shouldApply', () => {
  it('applies only newer events', () => {
    expect(shouldApply(5, 6)).toBe(true)
    expect(shouldApply(5, 5)).toBe(false)
    expect(shouldApply(5, 3)).toBe(false)
    expect(shouldApply(5, Number.NaN)).toBe(false)
  })
})

describe('backoffMs', () => {
  it('doubles and caps at 30 s', () => {
    expect(backoffMs(0, 0.5)).toBe(500)
    expect(backoffMs(1, 0.5)).toBe(1000)
    expect(backoffMs(3, 0.5)).toBe(4000)
    expect(backoffMs(20, 0.5)).toBe(30_000)
    expect(backoffMs(0, 0)).toBe(375)
  })
})

describe('step', () => {
  it('goes idle → connecting → authenticating → resuming → live with the right effects', () => {
    const { s, effects } = run([
      { type: 'start' },
      { type: 'open' },
      { type: 'ready', serverLastSeq: 9, storedSeq: 4 },
      { type: 'live' },
    ])
    expect(s).toEqual({ kind: 'live', since: 4 })
    expect(effects).toEqual([
      { type: 'connect' },
      { type: 'sendAuth' },
      { type: 'sendResume', since: 4, resetLocal: false, dropMirror: false },
    ])
  })
  it('a `reset` answer to resume drops the mirror and resumes from the server’s real last seq', () => {
    const { s, effects } = run([
      { type: 'start' },
      { type: 'open' },
      // A race or another client: ready said 21, yet our resume from 21 was past the feed.
      { type: 'ready', serverLastSeq: 21, storedSeq: 21 },
      { type: 'reset', serverLastSeq: 5 },
      { type: 'live' },
    ])
    expect(s).toEqual({ kind: 'live', since: 5 })
    expect(effects.slice(2)).toEqual([
      { type: 'sendResume', since: 21, resetLocal: false, dropMirror: false },
      { type: 'sendResume', since: 5, resetLocal: true, dropMirror: true },
    ])
    // Outside a resume it means nothing.
    expect(step({ kind: 'live', since: 1 }, { type: 'reset', serverLastSeq: 0 }).effects).toEqual([])
  })
  it('a failing connect backs off further each time; a healthy one resets the backoff', () => {
    let r = run([{ type: 'start' }, { type: 'close', code: 1006 }])
    expect(r.s).toMatchObject({ kind: 'waiting', attempt: 1 })
    r = run([{ type: 'retry' }, { type: 'close', code: 1006 }], r.s)
    expect(r.s).toMatchObject({ kind: 'waiting', attempt: 2 })
    r = run(
      [
        { type: 'retry' },
        { type: 'open' },
        { type: 'ready', serverLastSeq: 1, storedSeq: 1 },
        { type: 'live' },
      ],
      r.s,
    )
    expect(r.s.kind).toBe('live')
    r = run([{ type: 'close', code: 1001 }], r.s)
    expect(r.s).toMatchObject({ kind: 'waiting', attempt: 0 })
  })
  it('a revoked token stops reconnecting', () => {
    const r = run([{ type: 'start' }, { type: 'open' }, { type: 'close', code: CLOSE_UNAUTHORIZED }])
    expect(r.s).toEqual({ kind: 'unauthorized' })
    expect(r.effects.at(-1)).toEqual({ type: 'unauthorized' })
    expect(step(r.s, { type: 'retry' }).state).toEqual({ kind: 'unauthorized' })
  })
  it('ignores inputs that make no sense in a state', () => {
    const idle: LinkState = { kind: 'idle' }
    expect(step(idle, { type: 'open' })).toEqual({ state: idle, effects: [] })
    expect(step(idle, { type: 'live' })).toEqual({ state: idle, effects: [] })
    expect(
      step({ kind: 'live', since: 1 }, { type: 'ready', serverLastSeq: 3, storedSeq: 1 }).state.kind,
    ).toBe('live')
  })
  it('stop from any state disconnects', () => {
    expect(step({ kind: 'live', since: 1 }, { type: 'stop' })).toEqual({
      state: { kind: 'idle' },
      effects: [{ type: 'disconnect' }],
    })
  })
})

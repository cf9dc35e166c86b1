import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Periodic, startPeriodic } from './schedule.ts'

/** A promise and its resolve, to hold a pass in flight. */
function gate() {
  let open: () => void = () => {}
  const closed = new Promise<void>((r) => {
    open = r
  })
  return { closed, open }
}

describe('startPeriodic', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const task = (name: string, everyMs: number, log: string[], run?: () => Promise<unknown>): Periodic => ({
    name,
    everyMs,
    run: async () => {
      log.push(name)
      await run?.()
    },
  })

  it('each task keeps its own cadence; everyMs 0 is never', async () => {
    const log: string[] = []
    const s = startPeriodic(
      [task('sweep', 3000, log), task('reconcile', 10_000, log), task('off', 0, log)],
      () => {},
    )
    await vi.advanceTimersByTimeAsync(30_000)
    expect(log.filter((n) => n === 'sweep')).toHaveLength(10)
    expect(log.filter((n) => n === 'reconcile')).toHaveLength(3)
    expect(log).not.toContain('off')
    await s.stop()
  })

  it('one pass at a time: a slow pass holds back the other task and its own next slot', async () => {
    const log: string[] = []
    const slow = gate()
    let first = true
    const s = startPeriodic(
      [
        task('reconcile', 1000, log, () => {
          if (!first) return Promise.resolve()
          first = false
          return slow.closed
        }),
        task('sweep', 1500, log),
      ],
      () => {},
    )
    await vi.advanceTimersByTimeAsync(10_000)
    // Only the first pass has started: it is still in flight.
    expect(log).toEqual(['reconcile'])
    slow.open()
    await vi.advanceTimersByTimeAsync(0)
    // Then the overdue sweep runs; missed slots are skipped, not caught up.
    expect(log).toEqual(['reconcile', 'sweep'])
    // Back on their own cadences (slots at 10.5 s and 11 s): nine reconcile slots were missed, one runs.
    await vi.advanceTimersByTimeAsync(1000)
    expect(log).toEqual(['reconcile', 'sweep', 'sweep', 'reconcile'])
    await s.stop()
  })

  it('a failing pass goes to onError and the task keeps running', async () => {
    const errors: string[] = []
    let n = 0
    const s = startPeriodic(
      [
        {
          name: 'sweep',
          everyMs: 1000,
          run: async () => {
            n += 1
            if (n === 1) throw new Error('kamailio down')
          },
        },
      ],
      (name, e) => errors.push(`${name}: ${(e as Error).message}`),
    )
    await vi.advanceTimersByTimeAsync(3000)
    expect(errors).toEqual(['sweep: kamailio down'])
    expect(n).toBe(3)
    await s.stop()
  })

  it('stop() waits for the pass in flight, and nothing runs after it', async () => {
    const log: string[] = []
    const slow = gate()
    const s = startPeriodic(
      [task('sweep', 1000, log, () => slow.closed), task('reconcile', 1000, log)],
      () => {},
    )
    await vi.advanceTimersByTimeAsync(1000)
    expect(log).toEqual(['sweep'])
    let stopped = false
    const stopping = s.stop().then(() => {
      stopped = true
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(false)
    slow.open()
    await stopping
    await vi.advanceTimersByTimeAsync(60_000)
    // The other task, due in the same tick, never started once stop() was called.
    expect(log).toEqual(['sweep'])
  })
})

import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { backoffMs, supervise } from './supervise.mjs'

/** A fake child process and a fake clock: the test decides when things die and when time passes. */
function harness(opts = {}) {
  let t = 0
  const timers = []
  const children = []
  const lines = []
  const sup = supervise({
    spawn: () => {
      const c = Object.assign(new EventEmitter(), { signals: [], kill: (s) => c.signals.push(s) })
      children.push(c)
      return c
    },
    log: (l) => lines.push(l),
    now: () => t,
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cleared: false }
      timers.push(timer)
      return timer
    },
    clearTimer: (timer) => {
      timer.cleared = true
    },
    ...opts,
  })
  return {
    sup,
    children,
    lines,
    timers,
    advance: (ms) => {
      t += ms
    },
    /** Fires the pending restart timer. */
    fire: () => timers.at(-1).fn(),
    last: () => children.at(-1),
  }
}

describe('npm start supervisor', () => {
  it('backoff doubles from 1 s and is capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ])
  })

  it('a server that dies is restarted with a doubling delay, said on the console; a long run resets it', () => {
    const h = harness({ stableMs: 30_000, maxFailures: 5 })
    h.advance(40_000)
    h.last().emit('exit', 1, null)
    expect(h.lines.at(-1)).toBe('server exited with code 1; restarting in 1 s')
    expect(h.timers.at(-1).ms).toBe(1000)
    h.fire()
    expect(h.children).toHaveLength(2)
    h.advance(100)
    h.last().emit('exit', null, 'SIGKILL')
    expect(h.lines.at(-1)).toBe('server exited with signal SIGKILL; restarting in 2 s')
    h.fire()
    h.advance(100)
    h.last().emit('exit', 134, null)
    expect(h.timers.at(-1).ms).toBe(4000)
    h.fire()
    // Healthy for a while: the next death starts the backoff again from 1 s.
    h.advance(31_000)
    h.last().emit('exit', 1, null)
    expect(h.timers.at(-1).ms).toBe(1000)
  })

  it('a crash loop at start gives up after a few tries with a clear message', async () => {
    const h = harness({ maxFailures: 3 })
    h.last().emit('exit', 1, null)
    h.fire()
    h.last().emit('exit', 1, null)
    h.fire()
    h.last().emit('exit', 1, null)
    expect(await h.sup.done).toBe(1)
    expect(h.children).toHaveLength(3)
    expect(h.lines.at(-1)).toMatch(/died 3 times in a row .* giving up/)
  })

  it('Ctrl-C stops the server once and is no restart; during a backoff it just ends', async () => {
    const h = harness()
    h.sup.stop('SIGINT')
    h.sup.stop('SIGINT')
    expect(h.last().signals).toEqual(['SIGINT'])
    h.last().emit('exit', null, 'SIGINT')
    expect(await h.sup.done).toBe(0)
    expect(h.children).toHaveLength(1)
    expect(h.timers).toHaveLength(0)

    const w = harness()
    w.last().emit('exit', 1, null)
    w.sup.stop('SIGTERM')
    expect(w.timers[0].cleared).toBe(true)
    expect(await w.sup.done).toBe(0)
  })

  it('the dead server is cleaned up (its process group: Kamailio) before the restart', () => {
    const died = []
    const h = harness({ onDied: (c) => died.push(c) })
    const first = h.last()
    first.emit('exit', 1, null)
    expect(died).toEqual([first])
  })

  it('with real processes: restarts a crashing child, then gives up', async () => {
    const lines = []
    let runs = 0
    const sup = supervise({
      spawn: () => {
        runs += 1
        return spawn(process.execPath, ['-e', 'process.exit(7)'], { stdio: 'ignore' })
      },
      log: (l) => lines.push(l),
      initialMs: 1,
      maxFailures: 3,
    })
    expect(await sup.done).toBe(1)
    expect(runs).toBe(3)
    expect(lines[0]).toBe('server exited with code 7; restarting in 0.001 s')
    expect(lines.at(-1)).toMatch(/giving up/)
  })
})

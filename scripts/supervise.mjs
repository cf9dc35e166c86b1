/**
 * Keeps the server running for `npm start`: a server that dies without being asked to (a crash, an
 * uncaught error, the OOM killer) is started again after a backoff that doubles (1 s, 2 s, 4 s …,
 * capped) and resets once a run has lasted `stableMs`. A crash loop — `maxFailures` runs in a row
 * that each died before `stableMs` — gives up with a clear message instead of spinning forever.
 *
 *   running ──exit, not asked──▶ waiting ──timer──▶ running
 *      │                            │
 *      └──stop()──▶ stopping ──exit─┴──stop()──▶ stopped (done resolves with the exit code)
 *   running ──exit, maxFailures quick deaths in a row──▶ gave up (done resolves with 1)
 *
 * Time and processes are injected so the rules are tested without waiting or spawning.
 */

/**
 * @typedef {{ pid?: number, kill(signal?: NodeJS.Signals): boolean,
 *   once(event: 'exit', fn: (code: number | null, signal: NodeJS.Signals | null) => void): unknown }} Child
 * @typedef {{
 *   spawn: () => Child,
 *   log: (line: string) => void,
 *   onStart?: (child: Child, run: number) => void,
 *   onDied?: (child: Child) => void,
 *   initialMs?: number, maxMs?: number, stableMs?: number, maxFailures?: number,
 *   now?: () => number,
 *   setTimer?: (fn: () => void, ms: number) => unknown,
 *   clearTimer?: (t: unknown) => void,
 * }} SuperviseOptions
 */

/** The delay before restart number `failures` (1-based): initial · 2^(failures−1), capped. */
export function backoffMs(failures, initialMs = 1000, maxMs = 30_000) {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1))
}

/**
 * Starts the child and keeps it running; `stop(signal)` forwards the signal and ends supervision.
 * @param {SuperviseOptions} o
 */
export function supervise(o) {
  const initialMs = o.initialMs ?? 1000
  const maxMs = o.maxMs ?? 30_000
  const stableMs = o.stableMs ?? 30_000
  const maxFailures = o.maxFailures ?? 5
  const now = o.now ?? Date.now
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = o.clearTimer ?? ((t) => clearTimeout(/** @type {NodeJS.Timeout} */ (t)))

  /** @type {'running' | 'waiting' | 'stopping' | 'done'} */
  let state = 'running'
  /** @type {Child | null} */
  let child = null
  let timer = /** @type {unknown} */ (null)
  let failures = 0
  let runs = 0
  /** @type {(code: number) => void} */
  let finish = () => {}
  const done = new Promise((resolve) => {
    finish = (code) => {
      state = 'done'
      resolve(code)
    }
  })

  const start = () => {
    state = 'running'
    runs += 1
    const startedAt = now()
    const c = o.spawn()
    child = c
    c.once('exit', (code, signal) => {
      child = null
      if (state === 'stopping') return finish(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1))
      o.onDied?.(c)
      const how = code !== null ? `code ${code}` : `signal ${signal}`
      failures = now() - startedAt >= stableMs ? 1 : failures + 1
      if (failures >= maxFailures) {
        o.log(
          `server exited with ${how}; it died ${failures} times in a row within ${stableMs / 1000} s of starting — giving up (see the errors above)`,
        )
        return finish(1)
      }
      const wait = backoffMs(failures, initialMs, maxMs)
      o.log(`server exited with ${how}; restarting in ${wait / 1000} s`)
      state = 'waiting'
      timer = setTimer(start, wait)
    })
    o.onStart?.(c, runs)
  }

  start()
  return {
    done,
    /** The running child, if any. */
    get child() {
      return child
    },
    /** Stops supervising: forwards `signal` to a running child (done resolves when it exits). */
    stop(/** @type {NodeJS.Signals} */ signal = 'SIGTERM') {
      if (state === 'done' || state === 'stopping') return
      if (state === 'waiting') {
        clearTimer(timer)
        return finish(0)
      }
      state = 'stopping'
      child?.kill(signal)
    },
  }
}

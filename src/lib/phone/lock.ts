/**
 * One SIP registration per device (ARCHITECTURE "Calls"): several tabs of the PWA must not each
 * register the same AOR — the PBX would fork calls to all of them. The Web Locks API gives one tab
 * the line; the others wait (or show "the line is open in another window").
 */

/** A held line lock; release() lets the next waiting tab take the line. */
export interface LineLock {
  release(): void
}

function lockName(aor: string): string {
  return `frontline:sip-line:${aor}`
}

/**
 * Take the line lock for `aor`. With `wait: false` resolves null at once if another tab holds it;
 * with `wait: true` resolves when this tab gets it (or null if `signal` aborts first).
 * Without the Web Locks API (very old browsers) the tab is assumed alone.
 */
export function acquireLineLock(
  aor: string,
  opts: { wait: boolean; signal?: AbortSignal },
): Promise<LineLock | null> {
  if (typeof navigator === 'undefined' || !('locks' in navigator))
    return Promise.resolve({ release: () => undefined })
  return new Promise((resolve) => {
    let release: () => void = () => undefined
    // The lock is held for as long as the callback's promise is pending.
    const held = new Promise<void>((r) => {
      release = r
    })
    const options: LockOptions = opts.wait ? { signal: opts.signal } : { ifAvailable: true }
    navigator.locks
      .request(lockName(aor), options, (lock) => {
        if (!lock) {
          resolve(null)
          return
        }
        resolve({ release })
        return held
      })
      .catch(() => resolve(null))
  })
}

/**
 * Issue 11 item 8 / issue 10 (start path): the snapshots an account's start reads over REST —
 * contacts, statuses, New and In work chats, leads, templates, the first call pages — are read once
 * per start. The badge, the landing screen and the warm-up (features' `warm.ts`) ask for the same
 * snapshot by key and share one read: the first caller's promise is everybody's.
 *
 * A first start (the mirror holds no `lastSeq`) reads only once the link has set its resume point
 * (`open()`, from the link's `onResetLocal`): a snapshot read before it could miss an event the feed
 * will not replay. Should the link not get there (offline, refused), `open()` is called all the same
 * and the reads go out. A later reset (the server's feed was restored: the mirror was dropped) forgets
 * the shared reads (`reset()`), so they are read again. The start ends (`end()`) once the warm-up of
 * the first live link is done; from then on every read is the caller's own.
 *
 * `until` holds every read of the start a little longer: the runtime passes "the first screen has
 * painted" (lib/ui first-screen), so the screen paints from the mirror before the network is asked —
 * on a phone, a dozen requests in flight delay the first paint's script and style downloads.
 *
 * No Solid: plain promises, unit-tested in start-reads.test.ts.
 */

export interface StartReads {
  /** The shared read of `key` while the start lasts, else `run()` itself. */
  read<T>(key: string, run: () => Promise<T>): Promise<T>
  /** The resume point is set (or will not be): gated reads go out. */
  open(): void
  /** The mirror was reset: open, and forget what was read (the next read of each key reads again). */
  reset(): void
  /** The start is over: reads are no longer shared. */
  end(): void
  /** Whether reads are still shared. */
  readonly active: boolean
}

/**
 * A start's shared reads; `gated` holds them back until `open()` (a first start), `until` (if given)
 * until it settles as well.
 */
export function createStartReads(gated: boolean, until?: Promise<unknown>): StartReads {
  const entries = new Map<string, Promise<unknown>>()
  let release: () => void = () => undefined
  let isOpen = !gated
  const resumed = gated ? new Promise<void>((ok) => (release = ok)) : Promise.resolve()
  const gate = until ? Promise.all([resumed, until.catch(() => undefined)]) : resumed
  let active = true
  const open = () => {
    isOpen = true
    release()
  }
  return {
    read<T>(key: string, run: () => Promise<T>): Promise<T> {
      if (!active) return run()
      const known = entries.get(key)
      if (known) return known as Promise<T>
      const p = (isOpen && !until ? run() : gate.then(run)) as Promise<T>
      entries.set(key, p)
      // A failed read is not kept: the next caller tries again.
      p.catch(() => {
        if (entries.get(key) === p) entries.delete(key)
      })
      return p
    },
    open,
    reset() {
      // The first reset of a first start is the resume point itself: what waited for it is read now.
      if (isOpen) entries.clear()
      open()
    },
    end() {
      active = false
      entries.clear()
      open()
    },
    get active() {
      return active
    },
  }
}

let current: StartReads | null = null

/** The runtime begins an account's start (replacing any other account's). */
export function beginStart(reads: StartReads | null): void {
  current?.end()
  current = reads
}

/** The current start's shared read of `key`, or `run()` when no start is under way. */
export function startRead<T>(key: string, run: () => Promise<T>): Promise<T> {
  return current ? current.read(key, run) : run()
}

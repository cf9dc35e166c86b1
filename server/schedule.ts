/**
 * One scheduler for the server's periodic passes over Kamailio (the line sweep's `ul.dump`, the
 * reconciler's `dlg.list`): each keeps its own cadence, but only one pass runs at a time — a slow
 * Kamailio or database delays the next pass instead of piling passes up — and one `stop()` ends them
 * all, waiting for the pass in flight so nothing asks a database that is being closed.
 */

/** A pass run every `everyMs` (0 or less: never). A throw goes to the scheduler's `onError`. */
export interface Periodic {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}

export interface Scheduler {
  /** No pass starts after this; resolves once the pass in flight (if any) has finished. */
  stop(): Promise<void>
}

/** Starts `tasks`; each first runs `everyMs` after the start, then on its own fixed cadence. */
export function startPeriodic(
  tasks: readonly Periodic[],
  onError: (name: string, e: unknown) => void,
): Scheduler {
  const active = tasks.filter((t) => t.everyMs > 0)
  const start = Date.now()
  const due = new Map(active.map((t) => [t, start + t.everyMs]))
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> | null = null
  let stopped = false

  const arm = () => {
    if (stopped || active.length === 0) return
    timer = setTimeout(tick, Math.max(0, Math.min(...due.values()) - Date.now()))
    timer.unref()
  }
  const tick = () => {
    inFlight = (async () => {
      for (const t of active) {
        const at = due.get(t)!
        if (stopped || at > Date.now()) continue
        try {
          await t.run()
        } catch (e) {
          onError(t.name, e)
        }
        // A fixed cadence like setInterval's; slots missed while a pass ran are skipped, not caught up.
        let next = at + t.everyMs
        while (next <= Date.now()) next += t.everyMs
        due.set(t, next)
      }
    })().finally(() => {
      inFlight = null
      arm()
    })
  }
  arm()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await inFlight
    },
  }
}

/**
 * Live Insider (I1, I2): the server's `visitor.activity` events (a contacted visitor opened a page or
 * left the site) bump a per-visitor version; Insider panels and the On site list re-read on it.
 */
import { createSignal } from 'solid-js'
import type { FeatureEvents } from '../../lib/sync/index.ts'

const [tick, setTick] = createSignal<{ visitorId: string; n: number }>({ visitorId: '', n: 0 })

/** The last activity seen (any visitor): a reactive source to refetch on. */
export const activity = tick

export const insiderEvents: FeatureEvents = {
  owner: 'insider',
  on: {
    'visitor.activity': {
      after: (ev) => setTick((x) => ({ visitorId: ev.payload.visitorId, n: x.n + 1 })),
    },
  },
}

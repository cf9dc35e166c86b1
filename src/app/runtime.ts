/**
 * Ties the active account to its database, realtime link and snapshots. Runs for the app's life;
 * switching account stops the old link and opens the other account's database. Server events go to
 * the handlers each feature registers (`features/<area>/events.ts`), not through here.
 */
import { createEffect, createMemo, createRoot, createSignal, on } from 'solid-js'
import { followAccount, phoneAvailability, startCallEffects, warmCalls } from '../features/calls/index.ts'
import { refreshContacts, stale } from '../features/contacts/index.ts'
import { warmRequests } from '../features/requests/index.ts'
import { loadStatuses } from '../features/status/index.ts'
import { offline } from '../lib/net/index.ts'
import { ensurePush } from '../lib/push/index.ts'
import { active, markRevoked, refreshMe, sip } from '../lib/session/index.ts'
import { getMeta, useAccountDb } from '../lib/store/index.ts'
import {
  beginStart,
  createStartReads,
  type Link,
  type LinkState,
  type OutboxRun,
  startLink,
  startOutbox,
  startRead,
} from '../lib/sync/index.ts'
import { afterFirstScreen } from '../lib/ui/index.ts'
import { followBadge } from './badge.ts'

const [linkState, setLinkAccessor] = createSignal<() => LinkState>(() => ({ kind: 'idle' }))
/** The realtime link's state (for the connection indicator). */
export const connection = (): LinkState => linkState()()

/** Start following the active account. */
export function startRuntime(): void {
  startCallEffects()
  createRoot(() => {
    followBadge()
    // N1: the notification permission granted later (Welcome, Settings) subscribes this device.
    void navigator.permissions
      ?.query({ name: 'notifications' })
      .then((st) => {
        st.addEventListener('change', () => void ensurePush(active()?.token ?? null))
      })
      .catch(() => undefined)
    let link: Link | null = null
    let outbox: OutboxRun | null = null
    // A memo, not a bare accessor: `on` re-runs on every notification, and the profile object
    // changes on each status update — only a different account may restart the link.
    const activeKey = createMemo(() => active()?.key ?? null)
    // Probe 13 #1: new SIP credentials while the phone runs (/api/me re-read on employee.updated after
    // his own password change or a new extension): the phone takes them (the old ones are cut).
    createEffect(
      on(
        sip,
        (s) => {
          const key = activeKey()
          if (key && s && phoneAvailability().kind === 'ready') void followAccount(key, s)
        },
        { defer: true },
      ),
    )
    createEffect(
      on(activeKey, (key) => {
        link?.stop()
        link = null
        outbox?.stop()
        outbox = null
        const acc = active()
        const db = useAccountDb(key)
        if (!acc || !db) {
          beginStart(null)
          void followAccount(null, null)
          return
        }
        // Issue 11 item 8: the start's snapshot reads are shared by whoever asks (lib/sync start-reads);
        // they go out once the first screen has painted from the mirror (lib/ui first-screen), and a
        // first start (no lastSeq yet) holds them until the link has set its resume point.
        const reads = createStartReads(true, afterFirstScreen())
        beginStart(reads)
        void getMeta<number>(db, 'lastSeq').then(
          (seq) => seq !== undefined && reads.open(),
          () => reads.open(),
        )
        const snapshots = () => {
          void loadStatuses(db)
          void startRead('contacts', () => refreshContacts(db))
        }
        snapshots()
        // N1: this device's push subscription, re-checked against the server at every start.
        void ensurePush(acc.token)
        // The phone starts once /api/me gave this device fresh SIP credentials (A4, C1); offline it waits.
        const startPhone = () =>
          refreshMe().then(
            () => followAccount(key, sip()),
            () => followAccount(key, sip() ?? undefined),
          )
        // After the first screen's paint too (the phone's chunk waits for it anyway, see followAccount).
        void afterFirstScreen().then(startPhone)
        link = startLink({
          token: acc.token,
          db,
          // First start (the held reads go out now), or the mirror came from another feed (dropped by
          // the link): reload snapshots.
          onResetLocal: () => {
            reads.reset()
            snapshots()
          },
          onUnauthorized: () => void markRevoked(acc.token),
        })
        const state = link.state
        setLinkAccessor(() => state)
        // N3, C8: what the device must deliver leaves while online with the link live.
        const run = startOutbox(db, { ready: () => !offline() && state().kind === 'live' })
        outbox = run
        // No resume point is coming soon (offline, the link refused or retrying): the held reads go out.
        createEffect(() => {
          const k = state().kind
          if (offline() || k === 'waiting' || k === 'unauthorized') reads.open()
        })
        // N3: once per account and run, with the link live, the mirror gets what an operator needs
        // offline (chats and their latest messages, leads, templates, call history, missed calls).
        let warmed = false
        // Back from offline: the contacts shown are a saved copy; refresh them once the link is live.
        createEffect(
          on(
            () => state().kind === 'live',
            (live) => {
              if (live && !warmed) {
                warmed = true
                // The start's reads are shared until the warm-up is done; then each read is its own.
                void Promise.all([warmRequests(db, acc.me.id), warmCalls(db)]).finally(() => reads.end())
              }
              if (live && stale()) void refreshContacts(db)
              if (live && phoneAvailability().kind === 'waiting') void startPhone()
              if (live) run.kick()
            },
          ),
        )
      }),
    )
  })
}

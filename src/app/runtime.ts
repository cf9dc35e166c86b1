/**
 * Ties the active account to its database, realtime link and snapshots. Runs for the app's life;
 * switching account stops the old link and opens the other account's database.
 */
import { createEffect, createMemo, createRoot, createSignal, on } from 'solid-js'
import type { ServerEvent } from '../../contract/events.ts'
import { active, markRevoked, me, patchMe, refreshMe, sip } from '../features/account/index.ts'
import { followAccount, phoneAvailability, startCallEffects } from '../features/calls/index.ts'
import { refreshContacts, refreshPresenceSoon, stale } from '../features/contacts/index.ts'
import { applyRequestsEvent, followOutbox, kickOutbox } from '../features/requests/index.ts'
import { loadStatuses, setMatrix } from '../features/status/index.ts'
import { useAccountDb } from '../lib/store/index.ts'
import { type Link, type LinkState, startLink } from '../lib/sync/index.ts'

const [linkState, setLinkAccessor] = createSignal<() => LinkState>(() => ({ kind: 'idle' }))
/** The realtime link's state (for the connection indicator). */
export const connection = (): LinkState => linkState()()

function onEvent(ev: ServerEvent) {
  if (ev.type === 'status.changed') {
    if (ev.payload.employeeId === me()?.id) void patchMe({ status: ev.payload.status })
    refreshPresenceSoon()
  } else if (ev.type === 'statuses.updated') {
    setMatrix(ev.payload.matrix)
    refreshPresenceSoon()
  } else if (ev.type === 'line.busy' || ev.type === 'presence.changed') {
    // S1: a colleague's call started or ended, or their line came or went.
    refreshPresenceSoon()
  }
}

/** Start following the active account. */
export function startRuntime(): void {
  startCallEffects()
  createRoot(() => {
    let link: Link | null = null
    // A memo, not a bare accessor: `on` re-runs on every notification, and the profile object
    // changes on each status update — only a different account may restart the link.
    const activeKey = createMemo(() => active()?.key ?? null)
    createEffect(
      on(activeKey, (key) => {
        link?.stop()
        link = null
        const acc = active()
        const db = useAccountDb(key)
        followOutbox(db)
        if (!acc || !db) {
          void followAccount(null, null)
          return
        }
        void loadStatuses(db)
        void refreshContacts(db)
        // The phone starts once /api/me gave this device fresh SIP credentials (A4, C1); offline it waits.
        const startPhone = () =>
          refreshMe().then(
            () => followAccount(key, sip()),
            () => followAccount(key, sip() ?? undefined),
          )
        void startPhone()
        link = startLink({
          token: acc.token,
          db,
          onEvent: (ev) => {
            onEvent(ev)
            // T2–T5: chat events into the Requests mirror (until lib/sync's dispatcher routes them).
            void applyRequestsEvent(db, ev)
          },
          // First start, or the mirror came from another feed (dropped by the link): reload snapshots.
          onResetLocal: () => {
            void refreshContacts(db)
            void loadStatuses(db)
          },
          onUnauthorized: () => void markRevoked(acc.token),
        })
        const state = link.state
        setLinkAccessor(() => state)
        // Back from offline: the contacts shown are a saved copy; refresh them once the link is live.
        createEffect(
          on(
            () => state().kind === 'live',
            (live) => {
              if (live && stale()) void refreshContacts(db)
              // N3: messages written offline leave once the server is reachable again.
              if (live) void kickOutbox()
              if (live && phoneAvailability().kind === 'waiting') void startPhone()
            },
          ),
        )
      }),
    )
  })
}

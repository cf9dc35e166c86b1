/**
 * SPEC N4: the app icon's badge = New chats + open missed calls, from the account's mirror, kept
 * live while the app runs (the service worker keeps it while the app is closed: sw/push.ts).
 */
import { createEffect, createMemo, on } from 'solid-js'
import { missedCallIds, startRefreshCalls } from '../features/calls/index.ts'
import { startRefreshTab, useChatLists } from '../features/requests/index.ts'
import { offline } from '../lib/net/index.ts'
import { applyBadge } from '../lib/push/index.ts'
import { me } from '../lib/session/index.ts'
import { createLiveQuery, db } from '../lib/store/index.ts'

/** Call inside a reactive root: follows the active account's mirror. */
export function followBadge(): void {
  // Issue 10: the New chats from the one shared read the Requests screen follows too (no read of its own).
  const lists = useChatLists()
  const missed = createLiveQuery(db, () => undefined, missedCallIds, null as string[] | null)
  const state = createMemo(() => {
    const m = missed()
    return m && db() ? { newChats: lists().new.map((c) => c.id), missedCalls: m } : null
  })
  // The mirror holds New chats and missed calls only once their lists were loaded: load both at the
  // account's start, so the badge is right before the Requests or Calls tab is ever opened.
  createEffect(
    on(db, (d) => {
      if (!d || offline()) return
      const omni = me()?.features.omni !== false
      // The same reads as the screens' and the warm-up's: one each per start (lib/sync start-reads).
      if (omni) void startRefreshTab(d, 'new', me()?.id ?? null).catch(() => undefined)
      void startRefreshCalls(d, 'missed').catch(() => undefined)
    }),
  )
  createEffect(
    on(state, (s) => {
      if (s) void applyBadge(s)
    }),
  )
}

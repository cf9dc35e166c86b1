/**
 * SPEC N4: the app icon's badge = New chats + open missed calls, from the account's mirror, kept
 * live while the app runs (the service worker keeps it while the app is closed: sw/push.ts).
 */
import { createEffect, on } from 'solid-js'
import { missedCallIds } from '../features/calls/index.ts'
import { newChatIds } from '../features/requests/index.ts'
import { applyBadge } from '../lib/push/index.ts'
import { createLiveQuery, db } from '../lib/store/index.ts'

/** Call inside a reactive root: follows the active account's mirror. */
export function followBadge(): void {
  const state = createLiveQuery(
    db,
    () => undefined,
    async (d) => ({ newChats: await newChatIds(d), missedCalls: await missedCallIds(d) }),
    null as { newChats: string[]; missedCalls: string[] } | null,
  )
  createEffect(
    on(state, (s) => {
      if (s) void applyBadge(s)
    }),
  )
}

/**
 * Requests feature door (SPEC T1–T5, N3). Screens load lazily; the shell gets the chat event
 * handlers (they write the mirror) and the chat outbox, which runs app-wide.
 */
import { lazy } from 'solid-js'
import { db } from '../../lib/store/index.ts'
import { registerEvents, registerSender } from '../../lib/sync/index.ts'
import { requestsEvents } from './events.ts'
import { httpTransport } from './remote.ts'
import { chatSender } from './send.ts'
// Issue 10 (warm start): the list's rules ship with the app's first stylesheet (boot.js paints them).
import './list.css'

export { type ChatLists, useChatLists } from './lists.ts'
export { newChatIds } from './mirror.ts'
export { RequestsBadge } from './RequestsBadge.tsx'
export { refreshTab, startRefreshTab } from './remote.ts'
export { TransferOffers } from './TransferOffers.tsx'
export { warmRequests } from './warm.ts'

export const RequestsPage = lazy(() => import('./RequestsPage.tsx'))
export const ConversationPage = lazy(() => import('./ConversationPage.tsx'))
export const LeadPage = lazy(() => import('./LeadPage.tsx'))
/** T10: the write-first sheet (the shell shows it when lib/writefirst asks). */
export const WriteFirstSheet = lazy(() => import('./WriteFirstSheet.tsx'))

// Server events: this feature's handlers join the one dispatcher of lib/sync (see ./events.ts).
registerEvents(requestsEvents)
// N3: chat messages, files and voice leave through lib/sync's durable outbox (see ./send.ts).
const sender = chatSender(db, httpTransport)
registerSender('message', sender)
registerSender('file', sender)
registerSender('voice', sender)

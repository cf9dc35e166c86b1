/**
 * Requests feature door (SPEC T1–T5, N3). Screens load lazily; the shell gets the chat event
 * handlers (they write the mirror) and the chat outbox, which runs app-wide.
 */
import { lazy } from 'solid-js'

export { applyRequestsEvent, requestsHandlers } from './events.ts'
export { followOutbox, kickOutbox } from './queue.ts'

export const RequestsPage = lazy(() => import('./RequestsPage.tsx'))
export const ConversationPage = lazy(() => import('./ConversationPage.tsx'))

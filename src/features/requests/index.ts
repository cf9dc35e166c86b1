/**
 * Requests feature door (SPEC T1–T5, N3). Screens load lazily; the shell gets the chat event
 * handlers (they write the mirror) and the chat outbox, which runs app-wide.
 */
import { lazy } from 'solid-js'
import { registerEvents } from '../../lib/sync/index.ts'
import { requestsEvents } from './events.ts'

export { followOutbox, kickOutbox } from './queue.ts'

export const RequestsPage = lazy(() => import('./RequestsPage.tsx'))
export const ConversationPage = lazy(() => import('./ConversationPage.tsx'))

// Server events: this feature's handlers join the one dispatcher of lib/sync (see ./events.ts).
registerEvents(requestsEvents)

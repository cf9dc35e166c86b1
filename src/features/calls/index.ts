/**
 * Calls feature door (SPEC A4, C1–C10). The shell gets the small phone controller and indicator;
 * SIP.js (src/lib/phone) and the call screens load lazily, so the first paint never carries them.
 */

import { lazy } from 'solid-js'
import { token } from '../../lib/session/index.ts'
import { registerEvents, registerSender } from '../../lib/sync/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { callEvents } from './events.ts'
import { recordingSender, refusedText } from './recordings.ts'

export { placeCall, startCallEffects } from './actions.ts'
export { CallButton } from './CallButton.tsx'
export { missedCallIds, refreshCalls, startRefreshCalls } from './data.ts'
export { LineIndicator, LineSettings } from './LineStatus.tsx'
export { calls, followAccount, line, phoneAvailability } from './phone.ts'
export { warmCalls } from './warm.ts'

export const CallsPage = lazy(() => import('./CallsPage.tsx'))
/** Number formats (libphonenumber-js), loaded when needed: e.g. K1 picked numbers made E.164. */
export const loadPhoneFormat = () => import('./phoneFormat.ts')
export const CallDetailsPage = lazy(() => import('./CallDetails.tsx'))
/** A client's number with its menu; lazy: it formats numbers with libphonenumber-js (not for the shell). */
export const NumberButton = lazy(() =>
  import('./NumberButton.tsx').then((m) => ({ default: m.NumberButton })),
)
/** The incoming-call dialog / in-call screen / minimized bar. */
export const CallOverlay = lazy(() => import('./CallOverlay.tsx'))

// Server events: this feature's handlers join the one dispatcher of lib/sync (see ./events.ts).
registerEvents(callEvents)
// C8: call recordings leave through the outbox.
// A refused recording is kept; say so once, the call's details offer "Delete recording copy".
registerSender('recording', {
  ...recordingSender(token),
  onRefused: (item) => toast(refusedText(item.lastError), 'error'),
})

/**
 * Insider feature door (SPEC I1): the panel of who the client is, for the incoming call screen, chats
 * and the On site tab, kept live by the server's `visitor.activity` events. Imports no other feature,
 * so calls, requests and onsite can all mount it.
 */
import { registerEvents } from '../../lib/sync/index.ts'
import { insiderEvents } from './live.ts'

export { CallInsider, ChatInsider, ClientInsider, callHasInsider, VisitorInsider } from './InsiderPanel.tsx'
export { activity } from './live.ts'
export { pagePath, sourceText } from './summary.ts'

registerEvents(insiderEvents)

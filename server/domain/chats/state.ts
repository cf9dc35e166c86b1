/**
 * A chat's lifecycle (SPEC T2, T3, T8, T9), as a table so an illegal move cannot be written:
 *
 * ```
 *            accept / open (Accept button off)            complete (by hand, or idle: T8)
 *   new ─────────────────────────────────────▶ active ─────────────────▶ completed
 *    │                                           ▲                         │ ▲
 *    │                                           └── resume (T9: an operator writes; not webchat)
 *    └──────────────────────── complete (staff) ───────────────────────────┘
 * ```

 * `release` (active → new) returns a chat to the queue when its operator can no longer answer it: he
 * was deactivated (probe 13 #13; server/domain/chats/release.ts).
 *
 * A client who writes again after completion opens a new chat in New (T9); an operator who writes in
 * a completed chat of an external channel resumes it, unless the client has another open chat there. The
 * database enforces the moves that can race: accepting is `UPDATE … WHERE state = 'new'`, so of
 * two operators accepting at once exactly one row update happens (the other sees none).
 */
import type { ChatState } from '../../../contract/chats.ts'

export type ChatEvent = 'accept' | 'complete' | 'resume' | 'release'

/** Where each event leads from each state; a missing entry is an illegal move. */
export const CHAT_TRANSITIONS: { readonly [S in ChatState]: Partial<Record<ChatEvent, ChatState>> } = {
  new: { accept: 'active', complete: 'completed' },
  active: { complete: 'completed', release: 'new' },
  completed: { resume: 'active' },
}

/** The state after `event`, or null when the move is illegal from `state`. */
export function nextState(state: ChatState, event: ChatEvent): ChatState | null {
  return CHAT_TRANSITIONS[state][event] ?? null
}

/** States a move by `event` may start from (the WHERE of its conditional UPDATE). */
export function statesAllowing(event: ChatEvent): ChatState[] {
  return (Object.keys(CHAT_TRANSITIONS) as ChatState[]).filter((s) => nextState(s, event) !== null)
}

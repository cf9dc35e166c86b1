/**
 * A chat's lifecycle (SPEC T2, T3, T8, T9), as a table so an illegal move cannot be written:
 *
 * ```
 *            accept / open (Accept button off)            complete
 *   new ─────────────────────────────────────▶ active ─────────────────▶ completed
 *    │                                                                     ▲
 *    └──────────────────────── complete (staff) ───────────────────────────┘
 * ```
 *
 * A completed chat stays completed: a client who writes again opens a new chat in New (T9). The
 * database enforces the moves that can race: accepting is `UPDATE … WHERE state = 'new'`, so of
 * two operators accepting at once exactly one row update happens (the other sees none).
 */
import type { ChatState } from '../../../contract/chats.ts'

export type ChatEvent = 'accept' | 'complete'

/** Where each event leads from each state; a missing entry is an illegal move. */
export const CHAT_TRANSITIONS: { readonly [S in ChatState]: Partial<Record<ChatEvent, ChatState>> } = {
  new: { accept: 'active', complete: 'completed' },
  active: { complete: 'completed' },
  completed: {},
}

/** The state after `event`, or null when the move is illegal from `state`. */
export function nextState(state: ChatState, event: ChatEvent): ChatState | null {
  return CHAT_TRANSITIONS[state][event] ?? null
}

/** States a move by `event` may start from (the WHERE of its conditional UPDATE). */
export function statesAllowing(event: ChatEvent): ChatState[] {
  return (Object.keys(CHAT_TRANSITIONS) as ChatState[]).filter((s) => nextState(s, event) !== null)
}

/**
 * A chat transfer offer's life (SPEC T7), as a table so an illegal move cannot be written:
 *
 * ```
 *                 accept (an offered member, before the deadline) ──▶ accepted ──(5 s job)──▶ handed over
 *                ╱
 *   offered ─────┼── decline (the employee; a group: its last undecided member) ──▶ declined
 *                ├── expire  (the deadline job, at or after the deadline)        ──▶ expired
 *                └── cancel  (the sender completes the chat; the target — every
 *                             member of a group — goes Off work or offline)      ──▶ cancelled
 * ```
 *
 * Every move starts from `offered`, under the transfer row's lock (`SELECT … FOR UPDATE`), so of two
 * moves at once exactly one happens and the other finds a final state (E_TRANSFER_CLOSED). The
 * deadline is the database's: an accept after it loses to the expiry even when the job is late.
 * "Send without confirmation" creates the row already `accepted` and hands over at once.
 */
import type { TransferState } from '../../../contract/chats.ts'

export type TransferEvent = 'accept' | 'decline' | 'expire' | 'cancel'

/** Where each event leads from each state; a missing entry is an illegal move. */
export const TRANSFER_TRANSITIONS: {
  readonly [S in TransferState]: Partial<Record<TransferEvent, TransferState>>
} = {
  offered: { accept: 'accepted', decline: 'declined', expire: 'expired', cancel: 'cancelled' },
  accepted: {},
  declined: {},
  expired: {},
  cancelled: {},
}

/** The state after `event`, or null when the move is illegal from `state`. */
export function nextTransferState(state: TransferState, event: TransferEvent): TransferState | null {
  return TRANSFER_TRANSITIONS[state][event] ?? null
}

/** Final states: the offer is over. */
export const isFinal = (s: TransferState) => Object.keys(TRANSFER_TRANSITIONS[s]).length === 0

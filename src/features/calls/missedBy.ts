/**
 * Probe 12 #12 (C10): how a call that rang me and I never got reads in my history — a blind transfer's
 * leg says who handed it to me ("Missed transfer from Anna"), declined or rung out; a colleague's call
 * (a consultation) is a missed one of mine. Pure: CallRow and the details screen render what it returns.
 */
import type { CallView } from '../../../contract/calls.ts'

export type MissLabel =
  | { key: 'calls.missedTransfer' | 'calls.declinedTransfer'; name: string }
  | { key: 'calls.dir.missed' }

type Row = Pick<
  CallView,
  'missedByIds' | 'declinedIds' | 'transferOfId' | 'transferredByName' | 'answeredById'
>

/** The label of a call I never got, or null when it is not one (answered by me, made by me, …). */
export function missLabel(c: Row, meId: string | null): MissLabel | null {
  if (!meId || c.answeredById === meId) return null
  const declined = (c.declinedIds ?? []).includes(meId)
  if (!declined && !(c.missedByIds ?? []).includes(meId)) return null
  const name = c.transferOfId ? c.transferredByName?.trim() : ''
  if (name) return { key: declined ? 'calls.declinedTransfer' : 'calls.missedTransfer', name }
  return declined ? null : { key: 'calls.dir.missed' }
}

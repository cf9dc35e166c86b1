/**
 * C1 context of a call for the views: what the dialled virtual number is for (its admin-given name
 * and source), and who handed a transfer leg over. Looked up for a page of rows at once.
 */
import { and, eq, inArray } from 'drizzle-orm'
import type { ConsultAbout } from '../../../contract/calls.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { consultsOf } from './consult.ts'

const { calls, virtualNumbers } = schema

type CallRow = typeof calls.$inferSelect

export interface CallContext {
  /** Virtual number (as stored on the call) → its name and source. */
  virtualNumbers: ReadonlyMap<string, { name: string; source: string }>
  /** Transfer leg id → the employee who transferred it. */
  transferredBy: ReadonlyMap<string, string>
  /** Consultation id → the client's call it is about (probe 12 #15). */
  consults: ReadonlyMap<string, ConsultAbout>
}

type Original = Pick<CallRow, 'id' | 'answeredById' | 'callerEmployeeId'>

/**
 * Who transferred leg `leg` of call `original`: the one who had the call — its answerer — unless the
 * leg goes to that answerer (an attended transfer linked to the consultation call, RFC 3891: the
 * consultation's callee takes over, so the referrer is the one who called them).
 */
export function transferrerOf(
  leg: Pick<CallRow, 'offeredIds' | 'answeredById'>,
  original: Original,
): string | null {
  const a = original.answeredById
  if (a && !leg.offeredIds.includes(a) && leg.answeredById !== a) return a
  return original.callerEmployeeId ?? a ?? null
}

/** The context of a tenant's rows. */
export async function callContext(q: Queryable, tenantId: string, rows: CallRow[]): Promise<CallContext> {
  const numbers = [...new Set(rows.flatMap((r) => (r.virtualNumber ? [r.virtualNumber] : [])))]
  const originalIds = [...new Set(rows.flatMap((r) => (r.transferOfId ? [r.transferOfId] : [])))]
  const vn = await linesOf(q, tenantId, numbers)
  const by = new Map<string, string>()
  if (originalIds.length) {
    const originals = new Map(
      (
        await q
          .select({
            id: calls.id,
            answeredById: calls.answeredById,
            callerEmployeeId: calls.callerEmployeeId,
          })
          .from(calls)
          .where(and(eq(calls.tenantId, tenantId), inArray(calls.id, originalIds)))
      ).map((o) => [o.id, o]),
    )
    for (const r of rows) {
      const o = r.transferOfId ? originals.get(r.transferOfId) : undefined
      const who = o ? transferrerOf(r, o) : null
      if (who) by.set(r.id, who)
    }
  }
  const consults = await consultsOf(q, tenantId, rows, (n) => linesOf(q, tenantId, n))
  return { virtualNumbers: vn, transferredBy: by, consults }
}

/** Virtual numbers of a tenant → their name and source. */
async function linesOf(q: Queryable, tenantId: string, numbers: string[]) {
  const vn = new Map<string, { name: string; source: string }>()
  if (numbers.length) {
    for (const v of await q
      .select({ number: virtualNumbers.number, name: virtualNumbers.name, source: virtualNumbers.source })
      .from(virtualNumbers)
      .where(and(eq(virtualNumbers.tenantId, tenantId), inArray(virtualNumbers.number, numbers))))
      vn.set(v.number, { name: v.name, source: v.source })
  }
  return vn
}

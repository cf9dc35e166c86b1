/**
 * Probe 13 #6: a suspension or a deactivation cuts the calls in progress too. The calls to cut are
 * the open records (ringing, answered) of a suspended tenant, or those a deactivated employee placed
 * or answered; once Kamailio has ended their dialogs (BYE to both sides, server/realtime/lines.ts)
 * each record ends here — the callee is free at once, not 486 Busy until the stale-call sweep.
 */
import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../../db/index.ts'
import { endLost } from './dialog.ts'
import { callBySipId } from './records.ts'

/** The Call-IDs of the tenant's open calls that its suspension or a deactivation cuts. */
export async function callsToCut(db: Db, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ sip_call_id: string }>(
    db.orm,
    sql`SELECT c.sip_call_id FROM calls c JOIN tenants t ON t.id = c.tenant_id
        WHERE c.tenant_id = ${tenantId} AND c.state IN ('ringing', 'answered')
          AND (t.suspended_at IS NOT NULL OR EXISTS (
            SELECT 1 FROM employees e
            WHERE e.tenant_id = c.tenant_id AND e.deactivated_at IS NOT NULL
              AND (e.id = c.caller_employee_id OR e.id = c.answered_by_id)))`,
  )
  return rows.map((r) => r.sip_call_id)
}

/** Ends one cut call's record (idempotent: Kamailio's own dialog report then changes nothing). */
export function endCutCall(db: Db, tenantId: string, sipCallId: string, now = new Date()) {
  return db.orm.transaction(async (tx) => {
    const row = await callBySipId(tx, tenantId, sipCallId)
    return row ? endLost(tx, row, now) : 'ignored'
  })
}

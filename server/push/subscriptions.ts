/** Push subscriptions (0090): one per device (endpoint) and account. */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PushSubscriptionView } from '../../contract/push.ts'
import type { Queryable } from '../db/index.ts'
import { AppError } from '../errors.ts'
import { type PushSubscriptionRow, pushSubscriptions } from './schema.ts'

export interface NewSubscription {
  endpoint: string
  p256dh: string
  auth: string
  userAgent: string
}

export const viewOf = (r: PushSubscriptionRow): PushSubscriptionView => ({
  id: r.id,
  endpoint: r.endpoint,
  createdAt: r.createdAt.toISOString(),
  lastSeenAt: r.lastSeenAt.toISOString(),
})

/** Devices one employee may have subscribed at once; a new one replaces the least recently seen. */
export const MAX_SUBSCRIPTIONS_PER_EMPLOYEE = 5

/**
 * Registers (or re-checks) this device's subscription for the employee. The endpoint is unique: the
 * same device signed in as someone else now pushes to them only, and new keys replace the old. Moving
 * an endpoint to another account needs the stored `auth` secret (a device re-subscribing has it;
 * someone who only learnt the endpoint does not): E_PUSH_TAKEN otherwise. Each employee keeps at most
 * MAX_SUBSCRIPTIONS_PER_EMPLOYEE rows.
 */
export async function saveSubscription(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  s: NewSubscription,
): Promise<PushSubscriptionRow> {
  const now = new Date()
  const [row] = await q
    .insert(pushSubscriptions)
    .values({ tenantId, employeeId, ...s, createdAt: now, lastSeenAt: now })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: {
        tenantId,
        employeeId,
        p256dh: s.p256dh,
        auth: s.auth,
        userAgent: s.userAgent,
        lastSeenAt: now,
        failures: 0,
        failingSince: null,
        // Another account's device, or new keys: a new subscription as far as anyone can tell.
        createdAt: sql`CASE WHEN ${pushSubscriptions.employeeId} = ${employeeId}
          AND ${pushSubscriptions.p256dh} = ${s.p256dh} THEN ${pushSubscriptions.createdAt} ELSE ${now} END`,
      },
      setWhere: sql`(${pushSubscriptions.tenantId} = ${tenantId} AND ${pushSubscriptions.employeeId} = ${employeeId})
        OR ${pushSubscriptions.auth} = ${s.auth}`,
    })
    .returning()
  if (!row) throw new AppError('E_PUSH_TAKEN')
  await q.delete(pushSubscriptions).where(
    and(
      eq(pushSubscriptions.tenantId, tenantId),
      eq(pushSubscriptions.employeeId, employeeId),
      sql`${pushSubscriptions.id} NOT IN (SELECT id FROM push_subscriptions
        WHERE tenant_id = ${tenantId} AND employee_id = ${employeeId}
        ORDER BY last_seen_at DESC, created_at DESC LIMIT ${MAX_SUBSCRIPTIONS_PER_EMPLOYEE})`,
    ),
  )
  return row
}

/** Drops every subscription of the employee (deactivation: a fired operator's phone gets nothing). */
export async function dropSubscriptionsOf(q: Queryable, tenantId: string, employeeId: string): Promise<void> {
  await q
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.tenantId, tenantId), eq(pushSubscriptions.employeeId, employeeId)))
}

/** A send went through: the subscription is healthy again. */
export async function markDelivered(q: Queryable, id: string): Promise<void> {
  await q
    .update(pushSubscriptions)
    .set({ failures: 0, failingSince: null })
    .where(and(eq(pushSubscriptions.id, id), sql`${pushSubscriptions.failures} > 0`))
}

/** Consecutive failed sends after which a subscription that has failed for FAILING_FOR_MS is dropped. */
export const MAX_FAILURES = 5
export const FAILING_FOR_MS = 24 * 3600 * 1000

/** A send failed; drops the subscription once it has failed MAX_FAILURES times over FAILING_FOR_MS. */
export async function markFailed(q: Queryable, id: string, now = new Date()): Promise<boolean> {
  const [r] = await q
    .update(pushSubscriptions)
    .set({
      failures: sql`${pushSubscriptions.failures} + 1`,
      failingSince: sql`COALESCE(${pushSubscriptions.failingSince}, ${now})`,
    })
    .where(eq(pushSubscriptions.id, id))
    .returning({ failures: pushSubscriptions.failures, failingSince: pushSubscriptions.failingSince })
  if (!r?.failingSince) return false
  if (r.failures >= MAX_FAILURES && now.getTime() - r.failingSince.getTime() >= FAILING_FOR_MS) {
    await dropSubscription(q, id)
    return true
  }
  return false
}

/** Removes the caller's subscription of this endpoint; false when there was none of theirs. */
export async function deleteSubscription(
  q: Queryable,
  tenantId: string,
  employeeId: string,
  endpoint: string,
): Promise<boolean> {
  const rows = await q
    .delete(pushSubscriptions)
    .where(
      and(
        eq(pushSubscriptions.tenantId, tenantId),
        eq(pushSubscriptions.employeeId, employeeId),
        eq(pushSubscriptions.endpoint, endpoint),
      ),
    )
    .returning({ id: pushSubscriptions.id })
  return rows.length > 0
}

/** The push service says it is gone (404/410). */
export async function dropSubscription(q: Queryable, id: string): Promise<void> {
  await q.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id))
}

/**
 * The subscriptions of these employees of the tenant — none of a deactivated employee, none in a
 * suspended tenant (whoever calls: the spine's listeners or the call wake-up).
 */
export async function subscriptionsOf(
  q: Queryable,
  tenantId: string,
  employeeIds: readonly string[],
): Promise<PushSubscriptionRow[]> {
  if (!employeeIds.length) return []
  return q
    .select()
    .from(pushSubscriptions)
    .where(
      and(
        eq(pushSubscriptions.tenantId, tenantId),
        inArray(pushSubscriptions.employeeId, [...employeeIds]),
        sql`EXISTS (SELECT 1 FROM employees e JOIN tenants t ON t.id = e.tenant_id
          WHERE e.tenant_id = ${pushSubscriptions.tenantId} AND e.id = ${pushSubscriptions.employeeId}
            AND e.deactivated_at IS NULL AND t.suspended_at IS NULL)`,
      ),
    )
}

export async function subscriptionById(q: Queryable, id: string): Promise<PushSubscriptionRow | null> {
  const [row] = await q.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id))
  return row ?? null
}

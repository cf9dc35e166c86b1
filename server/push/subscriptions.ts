/** Push subscriptions (0090): one per device (endpoint) and account. */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PushSubscriptionView } from '../../contract/push.ts'
import type { Queryable } from '../db/index.ts'
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

/**
 * Registers (or re-checks) this device's subscription for the employee. The endpoint is unique: the
 * same device signed in as someone else now pushes to them only, and new keys replace the old.
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
        // Another account's device, or new keys: a new subscription as far as anyone can tell.
        createdAt: sql`CASE WHEN ${pushSubscriptions.employeeId} = ${employeeId}
          AND ${pushSubscriptions.p256dh} = ${s.p256dh} THEN ${pushSubscriptions.createdAt} ELSE ${now} END`,
      },
    })
    .returning()
  if (!row) throw new Error('push subscription upsert returned nothing')
  return row
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

/** The subscriptions of these employees of the tenant. */
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
      and(eq(pushSubscriptions.tenantId, tenantId), inArray(pushSubscriptions.employeeId, [...employeeIds])),
    )
}

export async function subscriptionById(q: Queryable, id: string): Promise<PushSubscriptionRow | null> {
  const [row] = await q.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id))
  return row ?? null
}

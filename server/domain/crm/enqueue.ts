/**
 * The CRM hand-off's write (SPEC T13): a delivery row and its job, in the caller's transaction — a
 * chat's completion (server/domain/chats/operator.ts) or "Send to CRM". Only tables here (no chat
 * domain), so the chat domain can call it without a loop.
 */
import { eq } from 'drizzle-orm'
import { enqueueJob, type Queryable } from '../../db/index.ts'
import { crmDeliveries, crmWebhooks } from '../../db/schema-leads.ts'

/** The job kind that POSTs a delivery to the tenant's CRM webhook. */
export const CRM_JOB = 'crm.deliver'

/** Attempts before a delivery is given up (backoff 2 s · 2^n, capped at 10 min: about an hour). */
export const CRM_MAX_ATTEMPTS = 12

/**
 * Queues the chat's hand-off to the tenant's CRM, if it has a webhook; null when it has none.
 * The delivery id is the job's key and the `X-Frontline-Delivery` header of every attempt.
 */
export async function enqueueCrmDelivery(
  tx: Queryable,
  tenantId: string,
  chatId: string,
  event: 'chat.completed' | 'chat.sent',
  requestedBy: string | null,
): Promise<string | null> {
  const [hook] = await tx
    .select({ tenantId: crmWebhooks.tenantId })
    .from(crmWebhooks)
    .where(eq(crmWebhooks.tenantId, tenantId))
  if (!hook) return null
  const [d] = await tx
    .insert(crmDeliveries)
    .values({ tenantId, chatId, event, requestedBy })
    .returning({ id: crmDeliveries.id })
  if (!d) throw new Error('delivery insert returned nothing')
  await enqueueJob(tx, {
    kind: CRM_JOB,
    key: d.id,
    tenantId,
    payload: { deliveryId: d.id },
    maxAttempts: CRM_MAX_ATTEMPTS,
  })
  return d.id
}

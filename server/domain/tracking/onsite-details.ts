/**
 * Probe 11 finding 16 (I2): what lets an operator pick one visitor among several on the On site list —
 * where he came from (the UTM tags of his latest tagged page), how many visits he has made, and
 * whether he has a chat open now. Added to `onsiteOf`'s rows in one query for the whole list.
 */
import { sql } from 'drizzle-orm'
import type { OnsiteView } from '../../../contract/tracking.ts'
import { type Queryable, queryRows } from '../../db/index.ts'

/** The On site rows with `url` (of his latest page view), `utm`, `visits` and `chatOpen` filled in. */
export async function withOnsiteDetails(
  q: Queryable,
  tenantId: string,
  rows: OnsiteView[],
): Promise<OnsiteView[]> {
  if (rows.length === 0) return rows
  const ids = rows.map((r) => r.visitorId)
  const more = await queryRows<{
    visitor_id: string
    utm: Record<string, string> | null
    visits: number
    chat_open: boolean
    url: string | null
  }>(
    q,
    sql`SELECT v.id AS visitor_id,
          (SELECT utm FROM site_page_views WHERE tenant_id = v.tenant_id AND visitor_id = v.id
             AND utm <> '{}'::jsonb ORDER BY at DESC LIMIT 1) AS utm,
          (SELECT count(*)::int FROM site_visits WHERE tenant_id = v.tenant_id AND visitor_id = v.id) AS visits,
          (SELECT url FROM site_page_views WHERE tenant_id = v.tenant_id AND visitor_id = v.id
             ORDER BY at DESC LIMIT 1) AS url,
          EXISTS (SELECT 1 FROM chats WHERE tenant_id = v.tenant_id AND visitor_id = v.id::text
             AND state <> 'completed') AS chat_open
        FROM visitors v
        WHERE v.tenant_id = ${tenantId} AND v.id IN (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  )
  const by = new Map(more.map((m) => [m.visitor_id, m]))
  return rows.map((r) => {
    const m = by.get(r.visitorId)
    return {
      ...r,
      url: m?.url ?? r.page,
      utm: m?.utm ?? {},
      visits: Number(m?.visits ?? 0),
      chatOpen: Boolean(m?.chat_open),
    }
  })
}

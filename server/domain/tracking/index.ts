/**
 * Tracking (SPEC I3), Insider (I1), clients on site (I2) — issue 12 §1–3.
 *
 * A visit is one visitor's session, ended by 30 minutes without a page view (TRACK_LIMITS.visitGapMs);
 * a page view after that starts the next visit. Pings (every 30 s while the page is visible) and the
 * page's close keep `seen_at` / `left_at`, which say who is on the site now — they do not extend the
 * visit. Events (`visitor.activity`) are written only for visitors who have contacted the tenant (a
 * chat, a lead, a call from the site): they are whom Insider and the On site tab show, and the
 * anonymous bulk of a site's traffic stays out of the change feed.
 */
import { sql } from 'drizzle-orm'
import { fillCrmCardUrl } from '../../../contract/admin-setup.ts'
import type { InsiderView, OnsiteView, TopPage, VisitorLocation } from '../../../contract/tracking.ts'
import { TRACK_LIMITS } from '../../../contract/tracking.ts'
import { appendEvent, type Db, type Queryable, queryRows } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { crmCardTemplates } from '../admin-setup/index.ts'
import { agentOf } from './agent.ts'
import { BoundedSet } from './bounded.ts'
import { locate } from './geo.ts'
import { pageOf, ViewBatcher, type ViewInput, writeViews } from './ingest.ts'

export { withOnsiteDetails } from './onsite-details.ts'

export { agentOf, locate, pageOf, type ViewInput, writeViews }

/**
 * Whether a visitor has contacted the tenant. A "yes" is remembered (it stays yes; bounded, oldest
 * forgotten first); a "no" is never remembered — it is asked again with every batch of views, inside
 * the batch's own transaction (one query for the batch, not one per view), so the first page after a
 * first message reaches Insider live.
 */
export const contactedCache = new BoundedSet(100_000)
export async function hasContacted(q: Queryable, tenantId: string, visitorId: string): Promise<boolean> {
  return (await contactedAmong(q, [{ tenantId, visitorId }])).has(`${tenantId}:${visitorId}`)
}

/** Which of these visitors have contacted their tenant (keys `tenantId:visitorId`): one query for all. */
export async function contactedAmong(
  q: Queryable,
  vs: readonly { tenantId: string; visitorId: string }[],
): Promise<Set<string>> {
  const yes = new Set<string>()
  const ask = new Map<string, Set<string>>() // tenant → visitors not known to have contacted it
  for (const v of vs) {
    const key = `${v.tenantId}:${v.visitorId}`
    if (contactedCache.has(key)) yes.add(key)
    else ask.set(v.tenantId, (ask.get(v.tenantId) ?? new Set()).add(v.visitorId))
  }
  // One query per tenant in the batch (almost always one), on the (tenant_id, visitor_id) indexes.
  for (const [tenantId, visitors] of ask) {
    const ids = JSON.stringify([...visitors])
    const rows = await queryRows<{ visitor_id: string }>(
      q,
      sql`WITH ids AS (SELECT jsonb_array_elements_text(${ids}::jsonb) AS id)
        SELECT visitor_id::text FROM chats WHERE tenant_id = ${tenantId} AND visitor_id IN (SELECT id FROM ids)
        UNION SELECT visitor_id::text FROM leads WHERE tenant_id = ${tenantId} AND visitor_id IN (SELECT id::uuid FROM ids)
        UNION SELECT visitor_id::text FROM visitor_lines WHERE tenant_id = ${tenantId} AND visitor_id IN (SELECT id::uuid FROM ids)`,
    )
    for (const r of rows) {
      if (!visitors.has(r.visitor_id)) continue
      const key = `${tenantId}:${r.visitor_id}`
      contactedCache.add(key)
      yes.add(key)
    }
  }
  return yes
}

/**
 * Records a page view (and a new visit when the last one is over); returns the view's id once the
 * transaction holding it has committed. Batched with the views of the same moment (ingest.ts).
 */
export async function recordView(db: Db, v: ViewInput): Promise<{ viewId: string }> {
  let batcher = batchers.get(db)
  if (!batcher) {
    batcher = new ViewBatcher(db, contactedCache)
    batchers.set(db, batcher)
  }
  return batcher.add(v)
}

const batchers = new WeakMap<Db, ViewBatcher>()

/** A ping (still on the page) or the page's close: time on page, and who is on the site now. */
export async function recordPing(
  db: Db,
  p: { tenantId: string; visitorId: string; viewId: string; ms: number; leave: boolean },
): Promise<boolean> {
  return db.orm.transaction(async (tx) => {
    // Nothing is written for a suspended company (its views are refused the same way).
    const [view] = await queryRows<{ visit_id: string; url: string; title: string }>(
      tx,
      sql`UPDATE site_page_views SET duration_ms = GREATEST(COALESCE(duration_ms, 0), ${p.ms})
          WHERE id = ${p.viewId} AND tenant_id = ${p.tenantId} AND visitor_id = ${p.visitorId}
            AND EXISTS (SELECT 1 FROM tenants WHERE id = ${p.tenantId} AND suspended_at IS NULL)
          RETURNING visit_id, url, title`,
    )
    if (!view) {
      const [t] = await queryRows<{ suspended: boolean }>(
        tx,
        sql`SELECT suspended_at IS NOT NULL AS suspended FROM tenants WHERE id = ${p.tenantId}`,
      )
      if (t?.suspended) throw new AppError('E_TENANT_SUSPENDED')
      return false
    }
    // Only the visit's current page speaks for it: closing an older tab does not end the visit.
    const [visit] = await queryRows<{ id: string }>(
      tx,
      p.leave
        ? sql`UPDATE site_visits SET left_at = now() WHERE id = ${view.visit_id}
                AND (SELECT id FROM site_page_views WHERE visit_id = ${view.visit_id} ORDER BY at DESC LIMIT 1) = ${p.viewId}
              RETURNING id`
        : sql`UPDATE site_visits SET seen_at = now() WHERE id = ${view.visit_id} AND left_at IS NULL RETURNING id`,
    )
    if (visit && p.leave && (await hasContacted(tx, p.tenantId, p.visitorId)))
      await appendEvent(tx, p.tenantId, 'visitor.activity', {
        visitorId: p.visitorId,
        onSite: false,
        page: view.url,
        title: view.title,
      })
    return true
  })
}

/** The visitor of a call from the site (its guest line), if any. */
export async function visitorOfCall(q: Queryable, tenantId: string, callId: string): Promise<string | null> {
  const [row] = await queryRows<{ visitor_id: string }>(
    q,
    sql`SELECT l.visitor_id FROM calls c JOIN visitor_lines l ON l.tenant_id = c.tenant_id AND l.username = c.caller_user
        WHERE c.tenant_id = ${tenantId} AND c.id = ${callId}`,
  )
  return row?.visitor_id ?? null
}

/** The visitor of a website chat, if any. */
export async function visitorOfChat(q: Queryable, tenantId: string, chatId: string): Promise<string | null> {
  const [row] = await queryRows<{ visitor_id: string | null }>(
    q,
    sql`SELECT c.visitor_id FROM chats c JOIN visitors v ON v.tenant_id = c.tenant_id AND v.id::text = c.visitor_id
        WHERE c.tenant_id = ${tenantId} AND c.id = ${chatId}`,
  )
  return row?.visitor_id ?? null
}

const digits = (s: string | null) => (s ?? '').replace(/\D/g, '')

/** The website visitor of a client (contact), if known: of his latest chat or call from the site. */
export async function visitorOfClient(
  q: Queryable,
  tenantId: string,
  contactId: string,
): Promise<string | null> {
  const [row] = await queryRows<{ visitor_id: string }>(
    q,
    sql`SELECT x.visitor_id FROM (
          SELECT c.visitor_id, c.created_at AS at FROM chats c
            WHERE c.tenant_id = ${tenantId} AND c.contact_id = ${contactId} AND c.visitor_id IS NOT NULL
          UNION ALL
          SELECT c.visitor_id::text, c.started_at FROM calls c
            WHERE c.tenant_id = ${tenantId} AND c.contact_id = ${contactId} AND c.visitor_id IS NOT NULL
        ) x JOIN visitors v ON v.tenant_id = ${tenantId} AND v.id::text = x.visitor_id
        ORDER BY x.at DESC LIMIT 1`,
  )
  return row?.visitor_id ?? null
}

/** Insider (I1) for one visitor of the tenant, or null when there is no such visitor. */
export async function insiderOf(
  q: Queryable,
  tenantId: string,
  visitorId: string,
  opts: { days: number; fromPage?: { url: string; title: string } | null },
): Promise<InsiderView | null> {
  const [who] = await queryRows<{
    name: string | null
    lead_name: string | null
    chat_name: string | null
    number: string | null
  }>(
    q,
    sql`SELECT v.name,
          (SELECT name FROM leads WHERE tenant_id = v.tenant_id AND visitor_id = v.id ORDER BY created_at DESC LIMIT 1) AS lead_name,
          (SELECT client_name FROM chats WHERE tenant_id = v.tenant_id AND visitor_id = v.id::text AND client_name IS NOT NULL
             ORDER BY created_at DESC LIMIT 1) AS chat_name,
          COALESCE(
            (SELECT phone FROM leads WHERE tenant_id = v.tenant_id AND visitor_id = v.id AND phone IS NOT NULL ORDER BY created_at DESC LIMIT 1),
            (SELECT c.peer_number FROM calls c JOIN visitor_lines l ON l.tenant_id = c.tenant_id AND l.username = c.caller_user
               WHERE l.tenant_id = v.tenant_id AND l.visitor_id = v.id AND c.peer_given AND c.peer_number <> ''
               ORDER BY c.started_at DESC LIMIT 1)) AS number
        FROM visitors v WHERE v.tenant_id = ${tenantId} AND v.id = ${visitorId}`,
  )
  if (!who) return null
  const [last] = await queryRows<{
    page: string
    title: string
    browser: string
    os: string
    device: string
    location: VisitorLocation
    on_site: boolean
  }>(
    q,
    sql`SELECT page, title, browser, os, device, location,
          (left_at IS NULL AND seen_at > now() - ${`${TRACK_LIMITS.onSiteMs} milliseconds`}::interval) AS on_site
        FROM site_visits WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId} ORDER BY started_at DESC LIMIT 1`,
  )
  const [lastView] = await queryRows<{ url: string; title: string }>(
    q,
    sql`SELECT url, title FROM site_page_views WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId}
        ORDER BY at DESC LIMIT 1`,
  )
  // The UTM tags of the latest page that carried any (a visit may land without them and get them on
  // its next page); the referrer of the latest visit that came from somewhere.
  const [tagged] = await queryRows<{ utm: Record<string, string> }>(
    q,
    sql`SELECT utm FROM site_page_views WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId}
          AND utm <> '{}'::jsonb ORDER BY at DESC LIMIT 1`,
  )
  const [came] = await queryRows<{ referrer: string | null }>(
    q,
    sql`SELECT referrer FROM site_visits WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId}
          AND referrer IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
  )
  const top = await queryRows<{ page: string; title: string; views: number }>(
    q,
    sql`SELECT page, (array_agg(title ORDER BY at DESC))[1] AS title, count(*)::int AS views
        FROM site_page_views WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId}
        GROUP BY page ORDER BY count(*) DESC, max(at) DESC LIMIT 5`,
  )
  const [counts] = await queryRows<{ visits: number; calls: number }>(
    q,
    sql`SELECT (SELECT count(*)::int FROM site_visits WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId}) AS visits,
          (SELECT count(*)::int FROM calls c WHERE c.tenant_id = ${tenantId}
             AND c.started_at > now() - ${`${opts.days} days`}::interval
             AND (c.caller_user IN (SELECT username FROM visitor_lines WHERE tenant_id = ${tenantId} AND visitor_id = ${visitorId})
                  OR (${digits(who.number)} <> '' AND c.peer_digits = ${digits(who.number)}))) AS calls`,
  )
  const name = who.name ?? who.lead_name ?? who.chat_name
  const templates = (await crmCardTemplates(q, tenantId)).templates
  const crm = templates.map((t) => ({
    name: t.name,
    url: fillCrmCardUrl(t.url, {
      phone: who.number ?? '',
      name: name ?? '',
      clientId: visitorId,
    }),
  }))
  return {
    visitorId,
    name,
    number: who.number,
    location: last?.location ?? { kind: 'unknown' },
    browser: last?.browser ?? '',
    os: last?.os ?? '',
    device: last?.device ?? '',
    currentPage: lastView ? { url: lastView.url, title: lastView.title } : null,
    fromPage: opts.fromPage ?? (lastView ? { url: lastView.url, title: lastView.title } : null),
    utm: tagged?.utm ?? {},
    referrer: came?.referrer ?? null,
    topPages: top.map((t): TopPage => ({ page: t.page, title: t.title, views: Number(t.views) })),
    visits: Number(counts?.visits ?? 0),
    calls: Number(counts?.calls ?? 0),
    periodDays: opts.days,
    onSite: Boolean(last?.on_site),
    crm,
  }
}

/** I2: visitors who have contacted the tenant and are on the site now, newest activity first. */
export async function onsiteOf(q: Queryable, tenantId: string): Promise<OnsiteView[]> {
  const rows = await queryRows<{
    visitor_id: string
    name: string | null
    number: string | null
    page: string
    title: string
    since: Date | string
    chat_id: string | null
  }>(
    q,
    sql`SELECT s.visitor_id, v.name, s.page, s.title, s.started_at AS since,
          (SELECT id FROM chats WHERE tenant_id = s.tenant_id AND visitor_id = s.visitor_id::text ORDER BY created_at DESC LIMIT 1) AS chat_id,
          COALESCE(
            (SELECT phone FROM leads WHERE tenant_id = s.tenant_id AND visitor_id = s.visitor_id AND phone IS NOT NULL ORDER BY created_at DESC LIMIT 1),
            (SELECT c.peer_number FROM calls c JOIN visitor_lines l ON l.tenant_id = c.tenant_id AND l.username = c.caller_user
               WHERE l.tenant_id = s.tenant_id AND l.visitor_id = s.visitor_id AND c.peer_given AND c.peer_number <> ''
               ORDER BY c.started_at DESC LIMIT 1)) AS number
        FROM site_visits s JOIN visitors v ON v.id = s.visitor_id
        WHERE s.tenant_id = ${tenantId} AND s.left_at IS NULL
          AND s.seen_at > now() - ${`${TRACK_LIMITS.onSiteMs} milliseconds`}::interval
          AND (EXISTS (SELECT 1 FROM chats WHERE tenant_id = s.tenant_id AND visitor_id = s.visitor_id::text)
            OR EXISTS (SELECT 1 FROM leads WHERE tenant_id = s.tenant_id AND visitor_id = s.visitor_id)
            OR EXISTS (SELECT 1 FROM visitor_lines WHERE tenant_id = s.tenant_id AND visitor_id = s.visitor_id))
        ORDER BY s.seen_at DESC LIMIT 200`,
  )
  // One row per visitor (two tabs' visits cannot both be live, but be sure).
  const seen = new Set<string>()
  return rows
    .filter((r) => !seen.has(r.visitor_id) && seen.add(r.visitor_id))
    .map((r) => ({
      visitorId: r.visitor_id,
      name: r.name,
      number: r.number,
      page: r.page,
      title: r.title,
      since: new Date(r.since).toISOString(),
      chatId: r.chat_id,
    }))
}

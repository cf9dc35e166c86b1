/**
 * The page-view ingest (I3; issue 12 budget: ≥ 2,000 views/s on one process): group commit with
 * set-based statements.
 *
 * A view arriving while the previous batch's transaction runs waits for the next one, which writes
 * every view queued meanwhile (no added wait when the server is idle). A batch costs the same handful
 * of statements whatever its size — the tenants' suspension, "has contacted", the open visits, one
 * multi-row insert of new visits, one update of continued ones, one insert of the views, one append
 * of the events per tenant — instead of three or four statements per view: on PGlite every statement
 * runs on the one JS thread, on PostgreSQL it is a round trip. Each request answers only after the
 * commit that holds its row (nothing acknowledged is lost). Should a batch fail, its views are written
 * one by one, so one bad view fails only its own request.
 *
 * The 30-minute visit rule per batch: a visitor's first view in the batch continues his open visit
 * (a page view within TRACK_LIMITS.visitGapMs) or starts one; his later views in the same batch belong
 * to that visit (they are microseconds apart). Views get `at` = the batch's clock + their position in
 * microseconds, so a visitor's views keep their arrival order, also within one batch.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { VisitorLocation } from '../../../contract/tracking.ts'
import { TRACK_LIMITS } from '../../../contract/tracking.ts'
import { requestInfoOf } from '../../channels/visitors.ts'
import { appendEvents, type Db, type Queryable, queryRows } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { agentOf } from './agent.ts'
import { locate } from './geo.ts'

export interface ViewInput {
  tenantId: string
  visitorId: string
  url: string
  title: string
  referrer: string | null
  userAgent: string | undefined
  ip: string
}

/**
 * The per-process memory of visitors known to have contacted their tenant (keys `tenantId:visitorId`):
 * a "yes" stays yes; a "no" is never remembered, it is asked again in every batch.
 */
export interface ContactedMemory {
  has(key: string): boolean
  add(key: string): void
}

/** The page a URL names (no query, no fragment): what top pages count by. */
export function pageOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`.slice(0, TRACK_LIMITS.url)
  } catch {
    return url.split(/[?#]/)[0] ?? ''
  }
}

const BATCH = 500
const keyOf = (v: { tenantId: string; visitorId: string }) => `${v.tenantId}:${v.visitorId}`

interface Queued {
  view: ViewInput
  resolve: (r: { viewId: string }) => void
  reject: (e: unknown) => void
}

/** One per database: the queue of views waiting for the next transaction. */
export class ViewBatcher {
  private queue: Queued[] = []
  private running = false
  private scheduled = false
  constructor(
    private readonly db: Db,
    private readonly contacted: ContactedMemory,
  ) {}

  add(view: ViewInput): Promise<{ viewId: string }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ view, resolve, reject })
      this.schedule()
    })
  }

  /**
   * The batch starts at the end of this turn of the event loop (setImmediate: after the requests
   * read in the same I/O poll, before any timer — no wait of its own), not at the first view's
   * arrival: a batch started at once would hold that view alone, and the ones parsed right after it
   * would wait for the next transaction.
   */
  private schedule(): void {
    if (this.scheduled || this.running) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush(): Promise<void> {
    if (this.running || !this.queue.length) return
    this.running = true
    const batch = this.queue.splice(0, BATCH)
    try {
      const out = await this.db.orm.transaction((tx) =>
        writeViews(
          tx,
          batch.map((b) => b.view),
          this.contacted,
        ),
      )
      batch.forEach((b, i) => {
        const r = out[i]
        if (r instanceof AppError) b.reject(r)
        else if (r) b.resolve(r)
        else b.reject(new Error('page view not written'))
      })
    } catch {
      // One by one: only the bad view's request fails.
      for (const b of batch) {
        try {
          const [r] = await this.db.orm.transaction((tx) => writeViews(tx, [b.view], this.contacted))
          if (r instanceof AppError) b.reject(r)
          else if (r) b.resolve(r)
          else b.reject(new Error('page view not written'))
        } catch (e) {
          b.reject(e)
        }
      }
    } finally {
      this.running = false
      if (this.queue.length) this.schedule()
    }
  }
}

/**
 * Writes views in one transaction, in their order; per view its id, or E_TENANT_SUSPENDED when its
 * tenant is suspended now (checked here, where the row would be written — not from a cache).
 */
export async function writeViews(
  tx: Queryable,
  all: readonly ViewInput[],
  known: ContactedMemory,
): Promise<({ viewId: string } | AppError)[]> {
  const tenantIds = [...new Set(all.map((v) => v.tenantId))]
  const keys = [...new Map(all.map((v) => [keyOf(v), { t: v.tenantId, v: v.visitorId }])).values()]
  const ask = keys.filter((k) => !known.has(`${k.t}:${k.v}`))
  // The batch's clock, its suspended tenants, each visitor's open visit (his latest visit — visits of
  // one visitor never overlap —, if its last page view is within the gap; migration 0250) and which
  // of those not yet known have contacted the tenant (a chat, a lead, a call from the site; on the
  // (tenant_id, visitor_id) indexes), in one statement: a function, planned once per connection (0251).
  const gap = `${TRACK_LIMITS.visitGapMs} milliseconds`
  const [head] = await queryRows<{
    now: string
    suspended: string[] | null
    open: { k: string; id: string }[] | null
    contacted: string[] | null
  }>(
    tx,
    sql`SELECT * FROM track_batch_head(${JSON.stringify(tenantIds)}::jsonb, ${JSON.stringify(keys)}::jsonb,
          ${JSON.stringify(ask)}::jsonb, ${gap}::interval)`,
  )
  if (!head) throw new Error('batch clock missing')
  const suspended = new Set(head.suspended ?? [])
  const views = all.filter((v) => !suspended.has(v.tenantId))
  const ids = new Map<ViewInput, string>()
  if (views.length) {
    for (const k of head.contacted ?? []) known.add(k)
    const open = new Map((head.open ?? []).map((o) => [o.k, o.id]))

    // Per visitor: his visit, his first and last view of the batch, how many.
    interface Run {
      visitId: string
      fresh: boolean
      first: number
      last: number
      n: number
    }
    const runs = new Map<string, Run>()
    const rows = views.map((v, i) => {
      const k = keyOf(v)
      let run = runs.get(k)
      if (!run) {
        const id = open.get(k)
        run = { visitId: id ?? randomUUID(), fresh: !id, first: i, last: i, n: 0 }
        runs.set(k, run)
      }
      run.last = i
      run.n++
      const id = randomUUID()
      ids.set(v, id)
      return {
        id,
        i,
        t: v.tenantId,
        v: v.visitorId,
        visit: run.visitId,
        page: pageOf(v.url),
        url: v.url,
        title: v.title,
        referrer: v.referrer,
        utm: requestInfoOf({ url: v.url }).utm,
      }
    })
    const fresh: Record<string, unknown>[] = []
    const moved: Record<string, unknown>[] = []
    for (const run of runs.values()) {
      const first = rows[run.first]
      const last = rows[run.last]
      const v = views[run.first]
      if (!first || !last || !v) continue
      if (run.fresh) {
        const agent = agentOf(v.userAgent)
        const location: VisitorLocation = await locate(v.ip)
        fresh.push({
          id: run.visitId,
          t: first.t,
          v: first.v,
          a: first.i,
          b: last.i,
          n: run.n,
          page: last.page,
          title: last.title,
          referrer: first.referrer,
          utm: first.utm,
          browser: agent.browser,
          os: agent.os,
          device: agent.device,
          location,
        })
      } else moved.push({ id: run.visitId, b: last.i, n: run.n, page: last.page, title: last.title })
    }
    // One statement (a function, planned once per connection: 0251): the new visits, the continued
    // ones, the views.
    await tx.execute(
      sql`SELECT track_batch_write(${head.now}::timestamptz, ${JSON.stringify(fresh)}::jsonb,
            ${JSON.stringify(moved)}::jsonb, ${JSON.stringify(rows)}::jsonb)`,
    )
    // Insider live: an event per view of a visitor who has contacted the tenant, in order, per tenant.
    const byTenant = new Map<string, ViewInput[]>()
    for (const v of views)
      if (known.has(keyOf(v))) byTenant.set(v.tenantId, [...(byTenant.get(v.tenantId) ?? []), v])
    for (const [tenantId, list] of byTenant)
      await appendEvents(
        tx,
        tenantId,
        list.map((v) => ({
          type: 'visitor.activity' as const,
          payload: { visitorId: v.visitorId, onSite: true, page: v.url, title: v.title },
          audience: null,
        })),
      )
  }
  return all.map((v) => {
    const id = ids.get(v)
    return id ? { viewId: id } : new AppError('E_TENANT_SUSPENDED')
  })
}

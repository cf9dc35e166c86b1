/**
 * Website visitors (issue 7 §2): the row behind a signed visitor id, its T6 request info, and the
 * authentication of visitor requests. A token is trusted only with its row: deleting a visitor
 * (or his tenant) ends every token ever issued to him.
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import type { RequestInfo } from '../../contract/chats.ts'
import type { VisitorChat } from '../../contract/visitor.ts'
import { type Queryable, schema } from '../db/index.ts'
import { AppError } from '../errors.ts'
import { verifyVisitorToken } from './visitor-token.ts'

const { chats, employees, visitors } = schema

export interface Visitor {
  tenantId: string
  visitorId: string
  name: string | null
  requestInfo: RequestInfo | null
}

const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const

/** T6: the landing page, referrer and UTM parameters of a first contact. */
export function requestInfoOf(page: { url: string; referrer?: string | null | undefined }): RequestInfo {
  const utm: RequestInfo['utm'] = {}
  try {
    const params = new URL(page.url).searchParams
    for (const k of UTM) {
      const x = params.get(`utm_${k}`)
      if (x) utm[k] = x.slice(0, 200)
    }
  } catch {
    // Not a URL: kept as given, without UTM parameters.
  }
  return { landingPage: page.url || null, referrer: page.referrer || null, utm }
}

/** A new visitor of the tenant. */
export async function createVisitor(
  q: Queryable,
  tenantId: string,
  requestInfo: RequestInfo,
): Promise<Visitor> {
  const [row] = await q.insert(visitors).values({ tenantId, requestInfo }).returning()
  if (!row) throw new Error('visitor insert returned nothing')
  return { tenantId, visitorId: row.id, name: row.name, requestInfo: row.requestInfo ?? null }
}

/** The visitor a token names, if it is valid for `tenantId` (when given) and his row exists; else E_VISITOR_TOKEN. */
export async function visitorByToken(
  q: Queryable,
  secret: string,
  token: string,
  opts: { tenantId?: string; touch?: boolean } = {},
): Promise<Visitor> {
  const claims = verifyVisitorToken(secret, token, opts.tenantId ? { tenantId: opts.tenantId } : {})
  const where = and(eq(visitors.tenantId, claims.tenantId), eq(visitors.id, claims.visitorId))
  const [row] = opts.touch
    ? await q.update(visitors).set({ lastSeenAt: sql`now()` }).where(where).returning()
    : await q.select().from(visitors).where(where)
  if (!row) throw new AppError('E_VISITOR_TOKEN')
  return { tenantId: row.tenantId, visitorId: row.id, name: row.name, requestInfo: row.requestInfo ?? null }
}

/** Keeps the name the visitor gave (shown to operators as text). */
export async function setVisitorName(q: Queryable, v: Visitor, name: string): Promise<void> {
  if (name === v.name) return
  await q
    .update(visitors)
    .set({ name })
    .where(and(eq(visitors.tenantId, v.tenantId), eq(visitors.id, v.visitorId)))
}

/** The visitor's latest website chat (open or completed) as he sees it, or null. */
export async function lastChatOf(
  q: Queryable,
  v: Pick<Visitor, 'tenantId' | 'visitorId'>,
): Promise<VisitorChat | null> {
  const [row] = await q
    .select({
      id: chats.id,
      state: chats.state,
      operatorName: employees.name,
      messageCount: chats.messageCount,
      operatorReadN: chats.operatorReadN,
    })
    .from(chats)
    .leftJoin(employees, and(eq(employees.tenantId, chats.tenantId), eq(employees.id, chats.assigneeId)))
    .where(
      and(eq(chats.tenantId, v.tenantId), eq(chats.channel, 'webchat'), eq(chats.visitorId, v.visitorId)),
    )
    .orderBy(desc(chats.createdAt))
    .limit(1)
  if (!row) return null
  return { ...row, operatorName: row.state === 'new' ? null : row.operatorName }
}

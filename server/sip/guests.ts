/**
 * Guest lines for the demo site's "Call us" button (issue 3 §6): a one-off `guest-…` user per visitor,
 * valid for minutes (enough for a call; issue 6 §4), that the route endpoint lets dial only the
 * tenant's virtual numbers, a few times (server/domain/calls/guest-limits.ts).
 */
import crypto from 'node:crypto'
import { and, eq, gt, isNotNull, lt, or, sql } from 'drizzle-orm'
import type { SiteCallCredentials, SiteNumbers } from '../../contract/calls.ts'
import { type Queryable, schema } from '../db/index.ts'
import { dropOldGuestHits, GUEST_PREFIX, GUEST_TTL_S } from '../domain/calls/index.ts'
import { AppError } from '../errors.ts'
import { domainCredentials } from './credentials.ts'

const { groups, sipGuests, tenants, virtualNumbers } = schema

/** The tenant `slug` and the numbers its site offers; E_NOT_FOUND for an unknown tenant, E_NO_SOFTPHONE without a PBX. */
async function siteTenant(q: Queryable, slug: string) {
  const [t] = await q.select().from(tenants).where(eq(tenants.slug, slug))
  if (!t) throw new AppError('E_NOT_FOUND')
  if (!t.features.softphone) throw new AppError('E_NO_SOFTPHONE')
  // The number's own name (issue 13 §2, "Sales"), else its group's: a retarget keeps the site's label.
  const rows = await q
    .select({ number: virtualNumbers.number, name: virtualNumbers.name, group: groups.name })
    .from(virtualNumbers)
    .leftJoin(
      groups,
      and(eq(groups.id, virtualNumbers.groupId), eq(groups.tenantId, virtualNumbers.tenantId)),
    )
    .where(
      and(
        eq(virtualNumbers.tenantId, t.id),
        or(isNotNull(virtualNumbers.groupId), isNotNull(virtualNumbers.employeeId)),
      ),
    )
    .orderBy(virtualNumbers.number)
  const numbers = rows.map((r) => ({ number: r.number, label: r.name || r.group || r.number }))
  return { t, numbers }
}

/**
 * What the site's "Call us" block shows on load: the company's name and its numbers, without issuing a
 * line — a visitor who only reads the page (or chats) spends nothing of the address's line limit.
 */
export async function siteNumbers(q: Queryable, slug: string): Promise<SiteNumbers> {
  const { t, numbers } = await siteTenant(q, slug)
  return { tenantName: t.name, numbers }
}

/** Issues a guest line of the tenant `slug`; E_NOT_FOUND for an unknown tenant, E_NO_SOFTPHONE without a PBX. */
export async function issueGuest(
  q: Queryable,
  sip: { secret: string; wsUrl: string },
  slug: string,
  now = Date.now(),
  /** The website visitor asking (a claim verified by the caller), kept on the line. */
  visitor: { tenantId: string; visitorId: string } | null = null,
): Promise<SiteCallCredentials> {
  const { t, numbers } = await siteTenant(q, slug)
  const user = `${GUEST_PREFIX}${crypto.randomBytes(6).toString('hex')}`
  const expiresAtS = Math.floor(now / 1000) + GUEST_TTL_S
  await q.insert(sipGuests).values({
    username: user,
    tenantId: t.id,
    expiresAt: new Date(expiresAtS * 1000),
    visitorId: visitor?.tenantId === t.id ? visitor.visitorId : null,
  })
  // Expired guests are useless; drop them as new ones come (no separate sweeper needed).
  await q.delete(sipGuests).where(lt(sipGuests.expiresAt, sql`${new Date(now).toISOString()}::timestamptz`))
  await dropOldGuestHits(q, new Date(now))
  const { username, password } = domainCredentials(sip.secret, user, t.sipDomain, expiresAtS)
  return {
    tenantName: t.name,
    numbers,
    sip: {
      wsUrl: sip.wsUrl,
      aor: `sip:${user}@${t.sipDomain}`,
      domain: t.sipDomain,
      username,
      password,
      expiresAt: new Date(expiresAtS * 1000).toISOString(),
    },
  }
}

/** Is `user` a live guest of this tenant? */
export async function isGuestOf(
  q: Queryable,
  tenantId: string,
  user: string,
  now = new Date(),
): Promise<boolean> {
  const [row] = await q
    .select({ u: sipGuests.username })
    .from(sipGuests)
    .where(
      and(
        eq(sipGuests.username, user),
        eq(sipGuests.tenantId, tenantId),
        gt(sipGuests.expiresAt, sql`${now.toISOString()}::timestamptz`),
      ),
    )
  return Boolean(row)
}

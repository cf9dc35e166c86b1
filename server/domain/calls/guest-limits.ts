/**
 * Guest limits (issue 6 §4): how many guest lines an address may take and how many calls a line and
 * an address may place. Counted in the database (server/db/windows.ts: a window from the key's first
 * hit, one atomic upsert per hit), so every server instance shares them and a burst sent at once
 * cannot slip through between a read and a write, nor get twice the limit across a clock edge.
 */
import { countHits, dropExpired, type Queryable } from '../../db/index.ts'

/** The limits, as data: `max` hits per `windowS` seconds of the key. */
export const GUEST_LIMITS = {
  /** POST /api/site/call-credentials per client address. */
  linesPerAddress: { max: 30, windowS: 10 * 60 },
  /** Calls of one guest line: it lives GUEST_TTL_S, so in practice over its whole life. */
  callsPerLine: { max: 3, windowS: 24 * 60 * 60 },
  /** Guest calls per client address (the INVITE's source address, as server/sip reads it). */
  callsPerAddress: { max: 30, windowS: 10 * 60 },
} as const

export type GuestLimit = keyof typeof GUEST_LIMITS

/** Counts one hit of `key` under `limit`; true while the window's count stays within the limit. */
export async function guestHit(
  q: Queryable,
  limit: GuestLimit,
  key: string,
  now = new Date(),
): Promise<boolean> {
  const { max, windowS } = GUEST_LIMITS[limit]
  const [row] = await countHits(q, 'guest_rate_hits', [`${limit}:${key}`], windowS, now)
  return (row?.count ?? Number.POSITIVE_INFINITY) <= max
}

/** Drops windows long over (called as guest lines are issued; no separate sweeper). */
export async function dropOldGuestHits(q: Queryable, now = new Date()): Promise<void> {
  const longest = Math.max(...Object.values(GUEST_LIMITS).map((l) => l.windowS))
  await dropExpired(q, 'guest_rate_hits', longest, now)
}

/**
 * The tracking snippet (SPEC I3, issue 12 §1), Insider (I1) and clients on site (I2): what /track.js
 * sends and what the operator's app reads. Page text (titles, URLs) is the visitor's: stored and shown
 * as inert text, cut to the limits below rather than refused (a long title is not an attack).
 */
import * as v from 'valibot'
import type { CrmCards } from './admin-setup.ts'
import { text } from './text.ts'

export const TRACK_LIMITS = {
  url: 2000,
  title: 300,
  /** Page views (and pings) per visitor per minute. */
  perVisitor: 120,
  /** New visitors per client address per minute. */
  newPerAddress: 120,
  /** A visit ends after this long without a page view. */
  visitGapMs: 30 * 60_000,
  /** On site: a page view or a ping within this long, and the last page not closed. */
  onSiteMs: 90_000,
} as const

/** Visitor text: refused with NUL or broken Unicode or past 20,000 chars, else cut to `n`. */
const cut = (n: number) =>
  v.pipe(
    text,
    v.maxLength(20_000),
    v.transform((s) => s.slice(0, n).replace(/[\uD800-\uDBFF]$/, '')),
  )
const Slug = v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/))
const Token = v.pipe(text, v.minLength(10), v.maxLength(400))

/** POST /api/track/view: a page was opened. Without a token the server makes a visitor. */
export const TrackViewSchema = v.strictObject({
  tenant: Slug,
  token: v.optional(Token),
  url: cut(TRACK_LIMITS.url),
  title: v.optional(cut(TRACK_LIMITS.title), ''),
  referrer: v.optional(v.nullable(cut(TRACK_LIMITS.url)), null),
})
export interface TrackViewResponse {
  token: string
  viewId: string
}

/** POST /api/track/ping (still here, every 30 s while visible) and /api/track/leave (pagehide). */
export const TrackPingSchema = v.strictObject({
  token: Token,
  viewId: v.pipe(text, v.uuid()),
  /** Time on the page so far. */
  ms: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 3600_000)),
})

export interface VisitorLocation {
  kind: 'public' | 'private' | 'loopback' | 'unknown'
  country?: string
  city?: string
}

export interface TopPage {
  page: string
  title: string
  views: number
}

/** Insider (I1): the client before the answer. */
export interface InsiderView {
  visitorId: string
  name: string | null
  number: string | null
  location: VisitorLocation
  browser: string
  os: string
  device: string
  /** The page they are on (or were last on), and the one they called or wrote from. */
  currentPage: { url: string; title: string } | null
  fromPage: { url: string; title: string } | null
  utm: Record<string, string>
  referrer: string | null
  topPages: TopPage[]
  visits: number
  calls: number
  periodDays: number
  onSite: boolean
  /** CRM card links, filled for this client (the admin's templates). */
  crm: { name: string; url: string }[]
}

export const InsiderQuery = v.strictObject({
  days: v.optional(
    v.pipe(text, v.regex(/^[0-9]{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(365)),
  ),
})
export const InsiderParam = v.strictObject({ id: v.pipe(text, v.uuid()) })
/** A call by its SIP Call-ID (what the incoming screen knows before the answer). */
export const InsiderCallParam = v.strictObject({
  sipCallId: v.pipe(text, v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/)),
})

/** Clients on site (I2). */
export interface OnsiteView {
  visitorId: string
  name: string | null
  number: string | null
  page: string
  title: string
  /** When the current visit began (time on site). */
  since: string
  chatId: string | null
  /** Probe 11 finding 16: the UTM tags he came with (latest tagged page), his visits, a chat open now. */
  utm?: Record<string, string>
  visits?: number
  chatOpen?: boolean
  /** The full address of his latest page view (`page` is the visit's page without its query). */
  url?: string
}

export type { CrmCards }

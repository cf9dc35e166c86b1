/**
 * The tenant-isolation matrix (issue 6): every route the app registered × the other tenant's ids and
 * tokens → denied, and no response ever carries the other tenant's identifiers. The route list comes
 * from the app itself (http/route-table.ts); a route without a rule below fails the first test, so a
 * new route cannot slip past the matrix. Every `:param` gets every id of the other tenant, of every
 * kind (the rule only says which kinds must be a clean 401/403/404 rather than also a 400).
 */
import { randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import type { ServerMessage } from '../../contract/events.ts'
import { schema } from '../db/index.ts'
import { handOverTransfer } from '../domain/chats/index.ts'
import { type RouteEntry, routeTable } from '../http/route-table.ts'
import { targets } from './dbs.ts'
import { auth } from './fixture.ts'
import {
  makeTwoTenants,
  PNG,
  type SeededTenant,
  type TenantIds,
  type TwoTenants,
  WEBM,
} from './two-tenants.ts'

type Kind = keyof TenantIds

/** What the caller's own tenant looks like, for bodies that must be valid for it. */
interface Own {
  t: SeededTenant
  matrix: unknown
}

type Rule =
  /** No tenant data behind it; why says what it is. */
  | { access: 'public'; why: string }
  /** Kamailio's loopback door: a tenant's token opens nothing. */
  | { access: 'internal' }
  /** The change feed: checked by a socket per token below. */
  | { access: 'ws' }
  /**
   * The website visitor's API (issue 7 §2): opened by a visitor token only — employees' tokens get
   * 401 — and with it only his own chat and files; checked per visitor token below.
   */
  | {
      access: 'visitor'
      params?: Record<string, Kind[]>
      /** A query string the request needs (an upload's file name). */
      query?: string
      body?: (own: Own) => unknown
      raw?: { type: string; payload: Buffer }
    }
  | {
      access: 'tenant'
      /** For each `:param`, the kinds of id it names: those must be 401/403/404 for the other tenant. */
      params?: Record<string, Kind[]>
      /** A body valid for the caller's own tenant (its id-like leaves get the other tenant's ids too). */
      body?: (own: Own) => unknown
      /** A raw body instead of JSON. */
      raw?: { type: string; payload: Buffer }
      /** The route ends the caller's session: each request gets a fresh login. */
      fresh?: boolean
      /** A query string every request carries (raw uploads take their facts there). */
      query?: () => string
    }

const matrixBody = (own: Own) => ({ matrix: own.matrix })

/** Every route of the app, by `METHOD url`. HEAD twins of GET routes use the GET rule. */
const RULES: Record<string, Rule> = {
  'GET /api/health': { access: 'public', why: 'liveness, no tenant data' },
  'POST /api/auth/login': { access: 'public', why: 'takes credentials, not a token' },
  'POST /api/site/call-credentials': { access: 'public', why: 'the demo site guest line of a named tenant' },
  'POST /api/site/numbers': { access: 'public', why: "the numbers a named tenant's site offers (no line)" },
  'GET /*': { access: 'public', why: 'the built PWA' },
  'GET /site/*': { access: 'public', why: 'the demo site' },
  'POST /internal/sip/route': { access: 'internal' },
  'POST /internal/sip/dialog': { access: 'internal' },
  'POST /internal/sip/registration': { access: 'internal' },
  'POST /internal/sip/refer': { access: 'internal' },
  'GET /api/calls/transfer-settings': { access: 'tenant' },
  'PUT /api/admin/call-settings': { access: 'tenant', body: () => ({ transferTimeoutSec: 30 }) },
  'GET /api/ws': { access: 'ws' },
  'POST /api/auth/logout': { access: 'tenant', fresh: true },
  'GET /api/auth/sessions': { access: 'tenant' },
  'DELETE /api/auth/sessions/:id': { access: 'tenant', params: { id: ['session'] } },
  'GET /api/me': { access: 'tenant' },
  'PUT /api/me/status': { access: 'tenant', body: () => ({ status: 'available' }) },
  'GET /api/statuses': { access: 'tenant' },
  'PUT /api/statuses': { access: 'tenant', body: matrixBody },
  'GET /api/contacts/employees': { access: 'tenant' },
  'GET /api/contacts/groups': { access: 'tenant' },
  'GET /api/contacts/clients': { access: 'tenant' },
  'GET /api/contacts/clients/:id': { access: 'tenant', params: { id: ['client'] } },
  'GET /api/calls': { access: 'tenant' },
  'GET /api/calls/missed': { access: 'tenant' },
  'GET /api/calls/transfer-targets': { access: 'tenant' },
  'GET /api/calls/:id': { access: 'tenant', params: { id: ['call'] } },
  'POST /api/calls/missed/:id/handle': { access: 'tenant', params: { id: ['missedCall'] } },
  'GET /api/calls/:id/recording': { access: 'tenant', params: { id: ['recordedCall'] } },
  'PUT /api/calls/recording/:sipCallId': {
    access: 'tenant',
    params: { sipCallId: ['sipCallId'] },
    raw: { type: 'audio/webm', payload: WEBM },
  },
  'POST /api/admin/sip/gateway-credentials': { access: 'tenant', body: () => ({}) },
  'GET /api/chats': { access: 'tenant' },
  'GET /api/chats/:id': { access: 'tenant', params: { id: ['chat'] } },
  'GET /api/chats/:id/messages': { access: 'tenant', params: { id: ['chat'] } },
  'POST /api/chats/:id/accept': { access: 'tenant', params: { id: ['newChat'] } },
  'POST /api/chats/:id/open': { access: 'tenant', params: { id: ['newChat'] } },
  'POST /api/chats/:id/messages': {
    access: 'tenant',
    params: { id: ['activeChat'] },
    body: () => ({ clientMsgId: randomUUID(), text: 'Здравствуйте' }),
  },
  'POST /api/chats/:id/read': {
    access: 'tenant',
    params: { id: ['activeChat'] },
    body: () => ({ upToN: 1 }),
  },
  'POST /api/chats/:id/complete': { access: 'tenant', params: { id: ['completableChat'] } },
  'POST /api/chats/:id/files': {
    access: 'tenant',
    params: { id: ['activeChat'] },
    raw: { type: 'image/png', payload: PNG },
    query: () => `clientMsgId=${randomUUID()}&name=photo.png`,
  },
  'GET /api/files/:id': { access: 'tenant', params: { id: ['file'] } },
  'POST /api/files': {
    access: 'tenant',
    raw: { type: 'image/png', payload: PNG },
    query: () => 'name=a.png',
  },
  'GET /api/templates': { access: 'tenant' },
  'POST /api/templates': { access: 'tenant', body: () => ({ name: 'Мой', text: 'Текст' }) },
  'PATCH /api/templates/:id': {
    access: 'tenant',
    params: { id: ['personalTemplate'] },
    body: () => ({ name: 'Мой', text: 'Новый текст' }),
  },
  'PUT /api/templates/:id': {
    access: 'tenant',
    params: { id: ['personalTemplate'] },
    body: () => ({ name: 'Мой', text: 'Новый текст' }),
  },
  'DELETE /api/templates/:id': { access: 'tenant', params: { id: ['personalTemplate'] } },
  'POST /api/admin/templates': {
    access: 'tenant',
    body: (own) => ({
      name: 'Общий',
      text: 'Текст',
      allowedEmployeeIds: [own.t.ids.employee[0]],
      attachmentIds: [own.t.ids.file[0]],
    }),
  },
  'PATCH /api/admin/templates/:id': {
    access: 'tenant',
    params: { id: ['sharedTemplate'] },
    body: (own) => ({ name: 'Общий', text: 'Текст', allowedEmployeeIds: [own.t.ids.employee[0]] }),
  },
  'DELETE /api/admin/templates/:id': { access: 'tenant', params: { id: ['sharedTemplate'] } },
  'PATCH /api/admin/employees/:id': {
    access: 'tenant',
    params: { id: ['employee'] },
    body: () => ({ acceptButton: true }),
  },
  'GET /api/admin/channels/webchat': { access: 'tenant' },
  'PUT /api/admin/channels/webchat': {
    access: 'tenant',
    body: (own) => ({ connected: true, groupIds: own.t.ids.group }),
  },
  'GET /api/admin/channels': { access: 'tenant' },
  'POST /api/admin/channels': {
    access: 'tenant',
    body: (own) => ({
      kind: 'sms',
      name: 'SMS',
      address: '+74950000000',
      config: { groupIds: own.t.ids.group, url: 'http://127.0.0.1:9/sms' },
    }),
  },
  'POST /api/admin/channels/:id/secret': { access: 'tenant', params: { id: ['channel'] } },
  'POST /api/admin/channels/:id/disconnect': { access: 'tenant', params: { id: ['channel'] } },
  'PATCH /api/admin/channels/:id': {
    access: 'tenant',
    params: { id: ['channel'] },
    body: (own) => ({ autoCompleteMinutes: 30, config: { groupIds: own.t.ids.group } }),
  },
  'GET /api/admin/features': { access: 'tenant' },
  // On stays on: the matrix's other chat routes need the option.
  'PATCH /api/admin/features': { access: 'tenant', body: () => ({ omni: true }) },
  'GET /api/chats/write-first': { access: 'tenant', query: () => 'address=%2B79123456789' },
  'POST /api/chats/write-first': {
    access: 'tenant',
    body: (own) => ({
      channelId: own.t.ids.channel[0],
      address: '+7 912 345-67-89',
      clientMsgId: randomUUID(),
      text: 'Здравствуйте',
    }),
  },
  'GET /api/chats/:id/info': { access: 'tenant', params: { id: ['chat'] } },
  'GET /api/chats/transfer-targets': { access: 'tenant' },
  'POST /api/chats/:id/transfer': {
    access: 'tenant',
    params: { id: ['activeChat'] },
    body: (own) => ({ toKind: 'employee', toId: own.t.ids.transferTarget[0], comment: 'isolation' }),
  },
  'GET /api/transfers': { access: 'tenant' },
  'POST /api/transfers/:id/accept': { access: 'tenant', params: { id: ['offerToAccept'] } },
  'POST /api/transfers/:id/decline': { access: 'tenant', params: { id: ['offerToDecline'] } },
  'GET /api/admin/chat-settings': { access: 'tenant' },
  'PUT /api/admin/chat-settings': {
    access: 'tenant',
    body: () => ({ transferTimeoutSec: 30, closingText: '' }),
  },
  'PUT /api/admin/channels/:id/auto-complete': {
    access: 'tenant',
    params: { id: ['channel'] },
    body: () => ({ minutes: 5 }),
  },
  'GET /widget.js': { access: 'public', why: 'the chat widget script' },
  'OPTIONS /api/visitor/*': { access: 'public', why: 'CORS preflight of the visitor API' },
  'POST /api/visitor/session': {
    access: 'public',
    why: "opens a visitor session of a named tenant; another tenant's visitor token is refused (visitor matrix)",
  },
  'GET /api/visitor/ws': { access: 'visitor' },
  'GET /api/visitor/open': {
    access: 'public',
    why: "whether a named tenant's website chat takes visitors (a boolean; nothing of the tenant's data)",
  },
  'POST /api/visitor/messages': {
    access: 'visitor',
    // His own file: the matrix puts the other tenant's ids of every kind in its place.
    body: (own) => ({
      clientMsgId: randomUUID(),
      text: 'isolation',
      fileId: own.t.ids.visitorFile[0],
    }),
  },
  'POST /api/visitor/read': { access: 'visitor', body: () => ({ upToN: 1 }) },
  'POST /api/visitor/files': {
    access: 'visitor',
    query: '?name=photo.png',
    raw: { type: 'image/png', payload: PNG },
  },
  'GET /api/visitor/files/:id': { access: 'visitor', params: { id: ['visitorFile'] } },
  'POST /api/hooks/telegram_bot/:key': {
    access: 'public',
    why: "Telegram's webhook: the channel by its path key, the secret-token header checked (telegram.test.ts)",
  },
  'POST /api/site/leads': {
    access: 'public',
    why: 'the site lead form of a named tenant (T11), rate-limited',
  },
  'OPTIONS /api/site/leads': { access: 'public', why: 'CORS preflight of the lead form' },
  'GET /api/leads': { access: 'tenant' },
  'POST /api/leads/:id/open': { access: 'tenant', params: { id: ['lead'] } },
  'POST /api/leads/:id/complete': { access: 'tenant', params: { id: ['lead'] } },
  'GET /api/chats/:id/scheduled': { access: 'tenant', params: { id: ['scheduledChat'] } },
  'POST /api/chats/:id/scheduled': {
    access: 'tenant',
    params: { id: ['scheduledChat'] },
    body: () => ({ text: 'Позже', sendAt: new Date(Date.now() + 3600_000).toISOString() }),
  },
  'PATCH /api/scheduled/:id': {
    access: 'tenant',
    params: { id: ['scheduled'] },
    body: () => ({ text: 'Иначе' }),
  },
  'DELETE /api/scheduled/:id': { access: 'tenant', params: { id: ['scheduled'] } },
  'GET /api/admin/crm-webhook': { access: 'tenant' },
  // Registered after DELETE: the matrix's own calls leave the webhook set for "Send to CRM" below.
  'DELETE /api/admin/crm-webhook': { access: 'tenant' },
  'PUT /api/admin/crm-webhook': { access: 'tenant', body: () => ({ url: 'http://127.0.0.1:9/crm' }) },
  'POST /api/admin/crm-webhook/secret': { access: 'tenant' },
  'POST /api/chats/:id/crm': { access: 'tenant', params: { id: ['chat'] } },
  'GET /api/hooks/whatsapp/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/whatsapp/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/viber/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'GET /api/hooks/messenger/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/messenger/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/vk/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/avito/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'POST /api/hooks/gateway/:key': {
    access: 'public',
    why: 'a provider webhook: the channel by its unguessable path key, the provider signature checked',
  },
  'GET /api/public-files/:token/:name': {
    access: 'public',
    why: 'one file by a signed, expiring token naming its tenant (files/public-links.ts); forged: 404',
  },
  'GET /api/push/vapid-key': { access: 'tenant' },
  'POST /api/push/subscriptions': {
    access: 'tenant',
    body: () => ({
      endpoint: `https://push.example.com/send/${randomUUID()}`,
      keys: {
        p256dh: 'BBZCJMs7aOlvYT2Rk4IyQTDP6933r9Xwj-a8CzN8MtFIbNWs0TZD6MI1za5WMRhE0GRs1Coravqcg_O_cn6yXkc',
        auth: 'E0encGCgihJDbkcvrhz-4g',
      },
    }),
  },
  'DELETE /api/push/subscriptions': {
    access: 'tenant',
    body: () => ({ endpoint: 'https://push.example.com/send/none' }),
  },
  // Issue 13 §2 (server/http/admin-setup.ts).
  'GET /api/admin/groups': { access: 'tenant' },
  'POST /api/admin/groups': {
    access: 'tenant',
    body: (own) => groupBody(own.t.slug === 'demo' ? '7811' : '7812'),
  },
  'PUT /api/admin/groups/:id': {
    access: 'tenant',
    params: { id: ['spareGroup'] },
    body: (own) => groupBody(own.t.slug === 'demo' ? '7801' : '7802'),
  },
  'DELETE /api/admin/groups/:id': { access: 'tenant', params: { id: ['spareGroup'] } },
  'GET /api/admin/numbers': { access: 'tenant' },
  'POST /api/admin/numbers': {
    access: 'tenant',
    body: (own) => numberBody(own, own.t.slug === 'demo' ? '+74951119101' : '+74951119102'),
  },
  'PUT /api/admin/numbers/:id': {
    access: 'tenant',
    params: { id: ['virtualNumber'] },
    body: (own) => numberBody(own, own.t.slug === 'demo' ? '+74951119001' : '+74951119002'),
  },
  'DELETE /api/admin/numbers/:id': { access: 'tenant', params: { id: ['virtualNumber'] } },
  'GET /api/admin/crm-cards': { access: 'tenant' },
  'PUT /api/admin/crm-cards': {
    access: 'tenant',
    body: () => ({ templates: [{ name: 'CRM', url: 'https://crm.example.com/find?phone={phone}' }] }),
  },
  // Issue 13, administration.
  'GET /api/admin/audit': { access: 'tenant' },
  'POST /internal/tenants': { access: 'internal' },
  'GET /api/admin/employees': { access: 'tenant' },
  'POST /api/admin/employees': {
    access: 'tenant',
    body: () => ({ name: 'Матрица', login: `matrix-${randomUUID().slice(0, 8)}`, role: 'operator' }),
  },
  'POST /api/admin/employees/:id/password': {
    access: 'tenant',
    params: { id: ['spareEmployee', 'employee'] },
  },
  'POST /api/admin/employees/:id/deactivate': {
    access: 'tenant',
    params: { id: ['spareEmployee', 'employee'] },
  },
  'POST /api/admin/employees/:id/reactivate': {
    access: 'tenant',
    params: { id: ['spareEmployee', 'employee'] },
  },
  'PUT /api/me/password': {
    access: 'tenant',
    body: () => ({ current: 'wrong-on-purpose', next: 'a-new-password' }),
  },
  // Issue 11 §4–5 (C9): Undo of a mark; a site visitor's call-back request (no tenant data comes back).
  'POST /api/calls/missed/:id/undo': { access: 'tenant', params: { id: ['missedCall'] } },
  'POST /api/site/callback': { access: 'public', why: 'a site visitor leaves a number; answers only its id' },
  'POST /api/calls/declined/:sipCallId': { access: 'tenant', params: { sipCallId: ['sipCallId'] } },
  'GET /api/insider/clients/:id': { access: 'tenant', params: { id: ['client'] } },
  // Issue 12 §1–3: the tracking snippet (server/http/tracking.ts) and the operator's Insider / On site.
  'GET /track.js': { access: 'public', why: 'the tracking snippet script' },
  'OPTIONS /api/track/*': { access: 'public', why: 'CORS preflight of the tracking snippet' },
  'POST /api/track/view': {
    access: 'public',
    why: "a page view of a named tenant's site; another tenant's visitor token is refused (tracking.test.ts)",
  },
  'POST /api/track/ping': {
    access: 'public',
    why: "a visitor token's own page view only (tracking.test.ts)",
  },
  'POST /api/track/leave': {
    access: 'public',
    why: "a visitor token's own page view only (tracking.test.ts)",
  },
  'GET /api/insider/visitors/:id': { access: 'tenant', params: { id: ['visitor'] } },
  'GET /api/insider/calls/:sipCallId': { access: 'tenant', params: { sipCallId: ['sipCallId'] } },
  'GET /api/insider/chats/:id': { access: 'tenant', params: { id: ['chat'] } },
  'GET /api/onsite': { access: 'tenant' },
  // Issue 12 §4 (S3, S4): a supervisor forcing a status in another tenant is refused.
  'GET /api/supervisor/operators': { access: 'tenant' },
  'PUT /api/supervisor/operators/:id/status': {
    access: 'tenant',
    params: { id: ['employee', 'spareEmployee'] },
    body: () => ({ status: 'break' }),
  },
  'GET /api/supervisor/workload': {
    access: 'tenant',
    query: () => 'from=2026-11-01T00:00:00.000Z&to=2026-11-02T00:00:00.000Z',
  },
  // Issue 12 §5, K2.
  'GET /api/contacts/clients/:id/timeline': { access: 'tenant', params: { id: ['client'] } },
  // K3: a call or chat id of the other tenant is never linked (the snapshot below would show it).
  'POST /api/contacts/clients': {
    access: 'tenant',
    body: () => ({ name: 'Matrix Client', phone: '+79990001122' }),
  },
  'POST /api/contacts/clients/:id/contacts': {
    access: 'tenant',
    params: { id: ['client'] },
    body: () => ({ phone: '+79990001133' }),
  },
  // Issue 12 §6, K3: the CSV import writes only the caller's tenant (the snapshot below would show it).
  'POST /api/admin/contacts/import/preview': {
    access: 'tenant',
    body: () => ({ csv: 'name,phone\nCsv Client,+79990001144\n' }),
  },
  'POST /api/admin/contacts/import': {
    access: 'tenant',
    body: () => ({ csv: 'name,phone\nCsv Client,+79990001155\n' }),
  },
  'POST /api/hooks/crm-contacts/:key': {
    access: 'public',
    why: 'a CRM pushes contacts: the tenant by its unguessable path key, the HMAC signature checked',
  },
  'GET /api/admin/crm-contacts': { access: 'tenant' },
  'POST /api/admin/crm-contacts/secret': { access: 'tenant' },
  // readOnly stays false: the matrix's client edits above must still be taken.
  'PUT /api/admin/crm-contacts': { access: 'tenant', body: () => ({ readOnly: false }) },
}

function groupBody(extension: string) {
  return {
    name: 'Spare',
    extension,
    strategy: 'sequential',
    ringTimeoutSec: 20,
    takesChats: true,
    memberIds: [],
  }
}
function numberBody(own: Own, number: string) {
  return { number, name: 'Sales', source: 'website', target: { kind: 'group', id: own.t.ids.group[0] } }
}

const ruleFor = (r: RouteEntry): Rule | undefined =>
  RULES[`${r.method} ${r.url}`] ?? (r.method === 'HEAD' ? RULES[`GET ${r.url}`] : undefined)

const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string)
const DENIED = [401, 403, 404]
const REFUSED = [400, ...DENIED]

/** Replaces every id-like leaf (`id`, `…Id`, `…Ids`) of a body by `value`; the paths replaced. */
function idLeaves(body: unknown, path: string[] = []): string[][] {
  if (Array.isArray(body)) return body.flatMap((x, i) => idLeaves(x, [...path, String(i)]))
  if (body && typeof body === 'object')
    return Object.entries(body).flatMap(([k, x]) =>
      // clientMsgId is made by the device (N3) and names nothing of any tenant: not a reference.
      typeof x === 'string' && /(^id$|Id$|Ids$)/.test(k) && k !== 'clientMsgId'
        ? [[...path, k]]
        : idLeaves(x, [...path, k]),
    )
  return []
}
function setPath(body: unknown, p: string[], value: string): unknown {
  const copy = structuredClone(body) as Record<string, unknown>
  let at = copy
  for (const k of p.slice(0, -1)) at = at[k] as Record<string, unknown>
  at[p[p.length - 1] as string] = value
  return copy
}

/** What must not change in a tenant while the other tenant's tokens hammer every route. */
async function snapshot(tt: TwoTenants, t: SeededTenant): Promise<string> {
  const { orm } = tt.f.db
  const live = await orm
    .select({ id: schema.sessions.id })
    .from(schema.sessions)
    .where(and(eq(schema.sessions.tenantId, t.tenantId), isNull(schema.sessions.revokedAt)))
  const calls = await orm
    .select({ id: schema.calls.id, handledAt: schema.calls.handledAt, handledById: schema.calls.handledById })
    .from(schema.calls)
    .where(eq(schema.calls.tenantId, t.tenantId))
  const emps = await orm
    .select({ id: schema.employees.id, status: schema.employees.status })
    .from(schema.employees)
    .where(eq(schema.employees.tenantId, t.tenantId))
  const [tenant] = await orm.select().from(schema.tenants).where(eq(schema.tenants.id, t.tenantId))
  const recs = await orm
    .select({ callId: schema.callRecordings.callId, sha: schema.callRecordings.sha256 })
    .from(schema.callRecordings)
    .where(eq(schema.callRecordings.tenantId, t.tenantId))
  const chats = await orm
    .select({
      id: schema.chats.id,
      state: schema.chats.state,
      assigneeId: schema.chats.assigneeId,
      count: schema.chats.messageCount,
      read: schema.chats.operatorReadN,
    })
    .from(schema.chats)
    .where(eq(schema.chats.tenantId, t.tenantId))
  const templates = await orm
    .select({
      id: schema.templates.id,
      text: schema.templates.text,
      allowed: schema.templates.allowedEmployeeIds,
    })
    .from(schema.templates)
    .where(eq(schema.templates.tenantId, t.tenantId))
  const channels = await orm
    .select({ id: schema.channels.id, connected: schema.channels.connected, config: schema.channels.config })
    .from(schema.channels)
    .where(eq(schema.channels.tenantId, t.tenantId))
  const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort()
  return JSON.stringify({
    live: sort(live),
    calls: sort(calls),
    emps: sort(emps),
    matrix: tenant?.statusMatrix,
    recs: sort(recs),
    chats: sort(chats),
    templates: sort(templates),
    channels: sort(channels),
    emps2: sort(
      (await orm.select().from(schema.employees).where(eq(schema.employees.tenantId, t.tenantId))).map(
        (e) => [e.id, e.acceptButton],
      ),
    ),
  })
}

describe.each(targets)('tenant isolation matrix on $name', (target) => {
  let tt: TwoTenants
  let routes: readonly RouteEntry[]
  beforeAll(async () => {
    tt = await makeTwoTenants(target, { dist: true })
    routes = routeTable(tt.f.app)
    // Both tenants have events of their own on the feed.
    for (const t of [tt.a, tt.b])
      for (const status of ['break', 'available'])
        await tt.f.app.inject({
          method: 'PUT',
          url: '/api/me/status',
          headers: auth(t.operator),
          payload: { status },
        })
  }, 300_000)
  afterAll(() => tt?.close())

  it('every route of the app has an isolation rule (a new route must be classified here)', () => {
    expect(routes.length).toBeGreaterThan(20)
    const missing = routes.filter((r) => !ruleFor(r)).map((r) => `${r.method} ${r.url}`)
    expect(missing, 'add these routes to RULES in server/test/isolation.test.ts').toEqual([])
    // Every :param of a tenant route is covered by its rule.
    for (const r of routes) {
      const rule = ruleFor(r)
      if (rule?.access !== 'tenant') continue
      for (const p of paramsOf(r.url)) expect(rule.params?.[p], `${r.method} ${r.url} :${p}`).toBeDefined()
    }
  })

  const directions = [
    { name: 'demo → other', me: (x: TwoTenants) => x.a, them: (x: TwoTenants) => x.b },
    { name: 'other → demo', me: (x: TwoTenants) => x.b, them: (x: TwoTenants) => x.a },
  ]

  describe.each(directions)('$name', ({ me, them }) => {
    it("every tenant route × the other tenant's ids, with my tokens → denied, nothing of theirs in any answer", async () => {
      const app = tt.f.app
      const mine = me(tt)
      const theirs = them(tt)
      const before = await snapshot(tt, theirs)
      const matrix = (await app.inject({ url: '/api/statuses', headers: auth(mine.admin) })).json() as {
        matrix: unknown
      }
      const own: Own = { t: mine, matrix: matrix.matrix }
      const allTheirIds = [...new Set(Object.values(theirs.ids).flat())]
      const problems: string[] = []
      let checked = 0

      const freshToken = async () => {
        const login = mine.slug === 'demo' ? 'supervisor@demo' : 'op2@other'
        const r = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { login, password: 'demo-pass-1' },
        })
        return (r.json() as { token: string }).token
      }

      const send = async (
        r: RouteEntry,
        rule: Extract<Rule, { access: 'tenant' }>,
        token: string,
        url: string,
        body: unknown,
        expect: number[] | 'ok' | 'any',
        what: string,
      ) => {
        const extra = rule.query?.()
        const res = await app.inject({
          method: r.method as 'GET',
          url: extra ? `${url}${url.includes('?') ? '&' : '?'}${extra}` : url,
          headers: {
            ...auth(rule.fresh ? await freshToken() : token),
            ...(rule.raw ? { 'content-type': rule.raw.type } : {}),
          },
          ...(rule.raw
            ? { payload: rule.raw.payload }
            : body === undefined
              ? {}
              : { payload: body as object }),
        })
        checked++
        const where = `${r.method} ${url} (${what}) → ${res.statusCode}`
        if (res.statusCode >= 500) problems.push(`${where}: server error ${res.body.slice(0, 200)}`)
        if (expect === 'ok' && (res.statusCode < 200 || res.statusCode > 299))
          problems.push(`${where}: expected 2xx for my own data: ${res.body.slice(0, 200)}`)
        if (Array.isArray(expect) && !expect.includes(res.statusCode))
          problems.push(`${where}: expected one of ${expect.join('/')}`)
        // A value the request itself carried may be echoed in a validation message: not a leak.
        const sent = `${decodeURIComponent(url)} ${JSON.stringify(body ?? '')}`
        const leaked = theirs.secrets.filter((s) => res.body.includes(s) && !sent.includes(s))
        if (leaked.length) problems.push(`${where}: answer carries the other tenant's ${leaked.join(', ')}`)
      }

      for (const r of routes) {
        const rule = ruleFor(r)
        if (rule?.access !== 'tenant') continue
        const params = paramsOf(r.url)
        const body = rule.body?.(own)
        for (const token of [mine.admin, mine.operator]) {
          if (!params.length) {
            // My own route with my token works; with their names as a search, nothing of theirs.
            await send(r, rule, token, r.url, body, 'any', 'own')
            const names = theirs.secrets.filter((x) => !/^[0-9a-f-]{36}$/.test(x)).slice(0, 12)
            for (const s of r.method === 'GET' ? names : [])
              await send(r, rule, token, `${r.url}?q=${encodeURIComponent(s)}`, body, 'any', `q=${s}`)
            for (const leaf of idLeaves(body))
              for (const id of allTheirIds)
                await send(r, rule, token, r.url, setPath(body, leaf, id), REFUSED, `${leaf.join('.')}=${id}`)
            continue
          }
          for (const p of params) {
            const primary = rule.params?.[p] ?? []
            for (const kind of Object.keys(theirs.ids) as Kind[]) {
              for (const id of theirs.ids[kind]) {
                const url = r.url.replace(`:${p}`, encodeURIComponent(id))
                await send(
                  r,
                  rule,
                  token,
                  url,
                  body,
                  primary.includes(kind) ? DENIED : REFUSED,
                  `${kind} ${p}`,
                )
              }
            }
          }
        }
      }

      // Positive controls: the same param routes with my own ids answer 2xx, so the substitution above
      // reached real rows and the denials are the tenant check, not a malformed request.
      for (const r of routes) {
        const rule = ruleFor(r)
        if (rule?.access !== 'tenant' || !rule.params) continue
        const params = paramsOf(r.url)
        let url = r.url
        let token = mine.admin
        for (const p of params) {
          const kind = rule.params[p]?.[0] as Kind
          let id = mine.ids[kind][0] as string
          if (kind === 'session') {
            // Revoking a session of my own: a throwaway one.
            token = await freshToken()
            const list = (await app.inject({ url: '/api/auth/sessions', headers: auth(token) })).json() as {
              id: string
              current: boolean
            }[]
            id = list.find((s) => s.current)?.id as string
          }
          url = url.replace(`:${p}`, encodeURIComponent(id))
        }
        await send(r, rule, token, url, rule.body?.(own), 'ok', 'my own id')
      }
      // The accepted offer's 5 s handover (a durable job) settles now, not inside the next direction's
      // before/after snapshot of this tenant (the job then finds nothing left to do).
      await handOverTransfer(tt.f.db.orm, mine.tenantId, mine.ids.offerToAccept[0] as string)

      expect(problems).toEqual([])
      expect(await snapshot(tt, theirs)).toBe(before)
      // Their tokens still work: none of my requests revoked a session of theirs.
      for (const t of [theirs.admin, theirs.operator])
        expect((await app.inject({ url: '/api/me', headers: auth(t) })).statusCode).toBe(200)
      expect(checked).toBeGreaterThan(100)
      console.log(`isolation ${mine.slug} → ${theirs.slug}: ${checked} requests`)
    }, 300_000)

    it("visitor routes: employees' tokens open nothing; my visitor token × the other tenant's ids → denied, nothing of theirs answered", async () => {
      const app = tt.f.app
      const mine = me(tt)
      const theirs = them(tt)
      const their = async () =>
        JSON.stringify(
          await tt.f.db.orm
            .select({ id: schema.messages.id, n: schema.messages.n, delivery: schema.messages.delivery })
            .from(schema.messages)
            .where(eq(schema.messages.tenantId, theirs.tenantId))
            .orderBy(schema.messages.id),
        )
      const before = await their()
      const own: Own = { t: mine, matrix: null }
      const allTheirIds = [...new Set(Object.values(theirs.ids).flat())]
      const problems: string[] = []
      let checked = 0
      const send = async (
        r: RouteEntry,
        url: string,
        token: string,
        body: unknown,
        want: number[] | 'ok',
        what: string,
      ) => {
        const rule = ruleFor(r) as Extract<Rule, { access: 'visitor' }>
        const res = await app.inject({
          method: r.method as 'GET',
          url,
          headers: { ...(token ? auth(token) : {}), ...(rule.raw ? { 'content-type': rule.raw.type } : {}) },
          ...(rule.raw
            ? { payload: rule.raw.payload }
            : body === undefined
              ? {}
              : { payload: body as object }),
        })
        checked++
        const where = `${r.method} ${url} (${what}) → ${res.statusCode}`
        if (want === 'ok' ? res.statusCode < 200 || res.statusCode > 299 : !want.includes(res.statusCode))
          problems.push(
            `${where}: expected ${want === 'ok' ? '2xx' : want.join('/')} ${res.body.slice(0, 200)}`,
          )
        const sent = `${decodeURIComponent(url)} ${JSON.stringify(body ?? '')}`
        const leaked = theirs.secrets.filter((x) => res.body.includes(x) && !sent.includes(x))
        if (leaked.length) problems.push(`${where}: answer carries the other tenant's ${leaked.join(', ')}`)
      }
      const visitorRoutes = routes.filter((r) => ruleFor(r)?.access === 'visitor' && !r.websocket)
      expect(visitorRoutes.length).toBeGreaterThanOrEqual(4)
      for (const r of visitorRoutes) {
        const rule = ruleFor(r) as Extract<Rule, { access: 'visitor' }>
        const body = rule.body?.(own)
        const params = paramsOf(r.url)
        const mineUrl =
          params.reduce(
            (u, p) => u.replace(`:${p}`, mine.ids[rule.params?.[p]?.[0] as Kind][0] as string),
            r.url,
          ) + (rule.query ?? '')
        // The token dimension: no token, employees' tokens (mine and theirs), their visitor's → 401.
        for (const [token, what] of [
          ['', 'no token'],
          [mine.admin, 'my admin'],
          [mine.operator, 'my operator'],
          [theirs.admin, 'their admin'],
        ] as const)
          await send(r, mineUrl, token, body, [401], what)
        // Their visitor asking for my file (their own routes with their token are theirs to use).
        if (r.method === 'GET') await send(r, mineUrl, theirs.visitor, body, DENIED, 'their visitor')
        for (const p of params)
          for (const kind of Object.keys(theirs.ids) as Kind[])
            for (const id of theirs.ids[kind])
              await send(
                r,
                r.url.replace(`:${p}`, encodeURIComponent(id)) + (rule.query ?? ''),
                mine.visitor,
                body,
                rule.params?.[p]?.includes(kind) ? DENIED : REFUSED,
                `${kind} ${p}`,
              )
        // A client message id is the widget's own (unique per tenant), not a reference to a row.
        for (const leaf of idLeaves(body).filter((l) => l.at(-1) !== 'clientMsgId'))
          for (const id of allTheirIds)
            await send(r, mineUrl, mine.visitor, setPath(body, leaf, id), REFUSED, `${leaf.join('.')}=${id}`)
        // Positive control: my own ids with my visitor token.
        await send(r, mineUrl, mine.visitor, rule.body?.(own), 'ok', 'my own')
      }
      // A session of their tenant with my visitor token → 401 (a token names its tenant).
      const s = await app.inject({
        method: 'POST',
        url: '/api/visitor/session',
        payload: { tenant: theirs.slug, token: mine.visitor, page: { url: 'https://x.example/' } },
      })
      expect([401, 409]).toContain(s.statusCode)
      if (s.statusCode === 409) expect(s.json().error.code).toBe('E_CHANNEL_OFF')
      else expect(s.json().error.code).toBe('E_VISITOR_TOKEN')
      expect(problems).toEqual([])
      expect(await their()).toBe(before)
      expect(checked).toBeGreaterThan(50)
      console.log(`isolation visitor ${mine.slug} → ${theirs.slug}: ${checked} requests`)
    }, 300_000)

    it('the visitor socket: an employee token is refused; my visitor gets his own chat only', async () => {
      const mine = me(tt)
      const theirs = them(tt)
      const open = async (token: string) => {
        const ws: WebSocket = await tt.f.app.injectWS('/api/visitor/ws')
        const raw: string[] = []
        let closed: number | null = null
        ws.on('message', (d) => raw.push(String(d)))
        ws.on('close', (code) => {
          closed = code
        })
        ws.send(JSON.stringify({ type: 'auth', token }))
        return { ws, raw, closed: () => closed }
      }
      const waitFor = async (pred: () => boolean, what: () => string) => {
        const end = Date.now() + 5000
        while (!pred()) {
          if (Date.now() > end) throw new Error(`visitor ws: ${what()}`)
          await new Promise((r) => setTimeout(r, 10))
        }
      }
      for (const token of [mine.admin, mine.operator]) {
        const s = await open(token)
        await waitFor(
          () => s.closed() !== null,
          () => s.raw.join('\n'),
        )
        expect(s.closed()).toBe(4401)
      }
      const s = await open(mine.visitor)
      await waitFor(
        () => s.raw.some((m) => m.includes('"ready"')),
        () => s.raw.join('\n'),
      )
      s.ws.send(JSON.stringify({ type: 'resume', afterN: 0 }))
      await waitFor(
        () => s.raw.some((m) => m.includes('"live"')),
        () => s.raw.join('\n'),
      )
      s.ws.terminate()
      const frames = s.raw.map((m) => JSON.parse(m) as { kind: string; message?: { id: string } })
      expect(frames.filter((f) => f.kind === 'message').length).toBeGreaterThanOrEqual(2)
      expect(s.raw.join('\n')).toContain(mine.ids.visitorChat[0] as string)
      expect(theirs.secrets.filter((x) => s.raw.some((m) => m.includes(x)))).toEqual([])
    })

    it("internal routes with my tenant's tokens and without the secret → denied", async () => {
      const mine = me(tt)
      const theirs = them(tt)
      const internal = routes.filter((r) => ruleFor(r)?.access === 'internal')
      expect(internal.length).toBeGreaterThan(0)
      for (const r of internal)
        for (const token of [mine.admin, mine.operator]) {
          const res = await tt.f.app.inject({
            method: r.method as 'POST',
            url: r.url,
            headers: auth(token),
            payload: { aor: `sip:101@${theirs.slug}.frontline.local`, contacts: 1, expires: 60 },
          })
          expect(DENIED, `${r.method} ${r.url}`).toContain(res.statusCode)
        }
    })

    it("the change feed with my token replays and streams only my tenant's events", async () => {
      const mine = me(tt)
      const theirs = them(tt)
      for (const token of [mine.admin, mine.operator]) {
        const ws: WebSocket = await tt.f.app.injectWS('/api/ws')
        const msgs: ServerMessage[] = []
        const raw: string[] = []
        ws.on('message', (d) => {
          raw.push(String(d))
          msgs.push(JSON.parse(String(d)) as ServerMessage)
        })
        const waitFor = async (pred: () => boolean) => {
          const end = Date.now() + 5000
          while (!pred()) {
            if (Date.now() > end) throw new Error(`feed: got ${raw.join('\n').slice(0, 2000)}`)
            await new Promise((r) => setTimeout(r, 10))
          }
        }
        ws.send(JSON.stringify({ type: 'auth', token }))
        await waitFor(() => msgs.some((m) => m.kind === 'ready'))
        ws.send(JSON.stringify({ type: 'resume', since: 0 }))
        await waitFor(() => msgs.some((m) => m.kind === 'live'))
        const replayed = msgs.filter((m) => m.kind === 'event').length
        // Their write commits first, then mine: once mine arrives, theirs would have too.
        await tt.f.app.inject({
          method: 'PUT',
          url: '/api/me/status',
          headers: auth(theirs.operator),
          payload: { status: 'break' },
        })
        // A status he is not in (a PUT of the current one changes nothing and streams nothing): the
        // matrix before may have left him in either.
        const now = (
          (await tt.f.app.inject({ url: '/api/me', headers: auth(mine.admin) })).json() as {
            me: { status: string }
          }
        ).me.status
        const r = await tt.f.app.inject({
          method: 'PUT',
          url: '/api/me/status',
          headers: auth(mine.admin),
          payload: { status: now === 'break' ? 'available' : 'break' },
        })
        expect(r.statusCode).toBe(200)
        await waitFor(() => msgs.filter((m) => m.kind === 'event').length > replayed)
        ws.terminate()
        expect(replayed).toBeGreaterThan(0)
        const leaked = theirs.secrets.filter((s) => raw.some((m) => m.includes(s)))
        expect(leaked).toEqual([])
      }
    })
  })
})

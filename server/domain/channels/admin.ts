/**
 * A5/T1: the admin connects the tenant's channels. The server makes the webhook key (the path segment
 * the provider calls) and the secret (crypto random) and answers them once; later reads show only a
 * masked hint, of the secret and of every provider setting CHANNEL_CONFIG marks secret. Disconnecting
 * keeps the row (its chats keep their channel) and makes its webhooks answer 404 from then on.
 */
import { randomBytes } from 'node:crypto'
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import * as v from 'valibot'
import {
  CHANNEL_CONFIG,
  type ChannelAdminView,
  type ChannelSettings,
  type ConnectableKind,
  type ConnectChannel,
  channelConfigSchema,
  GATEWAY_PROTOCOL_KINDS,
} from '../../../contract/channels.ts'
import type { ChannelKind } from '../../../contract/chats.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { audit } from '../admin-setup/audit.ts'
import { addressTaken, checkedMailAddress, checkProviderHosts } from './guards.ts'

const { channels, groups, tenants } = schema
type ChannelRow = typeof channels.$inferSelect

/** Kinds whose provider calls a webhook (e-mail arrives by SMTP, webchat by its own socket). */
const NO_WEBHOOK: ReadonlySet<ChannelKind> = new Set(['webchat', 'email'])

/** `••••abcd`: enough to tell two secrets apart, never enough to use one. */
export const maskSecret = (s: string | null | undefined): string | null =>
  s ? `••••${s.length > 12 ? s.slice(-4) : ''}` : null

/** A fresh webhook key (32 chars, fits webhooks.ts' KEY) and secret (43 chars), both base64url. */
export const newWebhookKey = () => randomBytes(24).toString('base64url')
export const newSecret = () => randomBytes(32).toString('base64url')

/** Kinds whose provider is a gateway speaking our protocol: one path for them all (gateway/frontline.ts). */
const GATEWAY_PROTOCOL: ReadonlySet<ChannelKind> = new Set(GATEWAY_PROTOCOL_KINDS)

export const webhookPathOf = (kind: string, key: string | null) =>
  !key || NO_WEBHOOK.has(kind as ChannelKind)
    ? null
    : `/api/hooks/${GATEWAY_PROTOCOL.has(kind as ChannelKind) ? 'gateway' : kind}/${key}`

/** A channel as admins see it: secrets masked. */
export function adminView(row: ChannelRow): ChannelAdminView {
  const fields = CHANNEL_CONFIG[row.kind as ConnectableKind] ?? {}
  const config: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(row.config))
    config[k] = fields[k]?.secret && typeof val === 'string' ? maskSecret(val) : val
  return {
    id: row.id,
    kind: row.kind as ChannelKind,
    name: row.name,
    address: row.address,
    connected: row.connected,
    webhookPath: webhookPathOf(row.kind, row.webhookKey),
    secretHint: maskSecret(row.secret),
    config,
    autoCompleteMinutes: row.autoCompleteMinutes,
    createdAt: row.createdAt.toISOString(),
  }
}

/** The tenant's channels, oldest first. */
export async function listChannels(q: Queryable, tenantId: string): Promise<ChannelAdminView[]> {
  const rows = await q
    .select()
    .from(channels)
    .where(eq(channels.tenantId, tenantId))
    .orderBy(asc(channels.createdAt), asc(channels.id))
  return rows.map(adminView)
}

/** The kind's config checked by CHANNEL_CONFIG; its groupIds must be the tenant's groups. */
async function checkedConfig(q: Queryable, tenantId: string, kind: ConnectableKind, raw: unknown) {
  const r = v.safeParse(channelConfigSchema(kind), raw ?? {})
  if (!r.success)
    throw new AppError(
      'E_VALIDATION',
      r.issues.map((i) => `config.${v.getDotPath(i) ?? ''}: ${i.message}`),
    )
  const config = r.output as Record<string, unknown>
  checkProviderHosts(config)
  const ids = (config.groupIds as string[] | undefined) ?? []
  if (ids.length) {
    const found = await q
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, ids)))
    if (found.length !== new Set(ids).size)
      throw new AppError('E_VALIDATION', ['config.groupIds: no such group'])
  }
  return config
}

export interface ChannelSecret {
  channel: ChannelAdminView
  secret: string
  webhookKey: string
}

/** Connects a channel of a kind (A5): generates its webhook key and secret and returns them once. */
export async function connectChannel(
  q: Queryable,
  tenantId: string,
  c: ConnectChannel,
): Promise<ChannelSecret> {
  const config = await checkedConfig(q, tenantId, c.kind, c.config)
  const address =
    c.kind === 'email' && c.address ? await checkedMailAddress(q, tenantId, c.address) : (c.address ?? null)
  const secret = newSecret()
  const webhookKey = newWebhookKey()
  const [row] = await q
    .insert(channels)
    .values({
      tenantId,
      kind: c.kind,
      name: c.name,
      address,
      config,
      connected: true,
      webhookKey,
      secret,
    })
    .returning()
    .catch((e: unknown) => {
      throw addressTaken(e) ?? e
    })
  if (!row) throw new Error('channel insert returned nothing')
  return { channel: adminView(row), secret, webhookKey }
}

/** The tenant's channel connected here (not webchat, unless `webchat`), or E_NOT_FOUND. */
async function ownChannel(q: Queryable, tenantId: string, id: string, webchat = false): Promise<ChannelRow> {
  const [row] = await q
    .select()
    .from(channels)
    .where(
      and(
        eq(channels.tenantId, tenantId),
        eq(channels.id, id),
        webchat ? undefined : ne(channels.kind, 'webchat'),
      ),
    )
  if (!row) throw new AppError('E_NOT_FOUND')
  return row
}

/**
 * A new secret (and webhook key) for a channel: the old ones stop working at once (a leaked URL or
 * secret is worthless after rotating); shown once, like at connection.
 */
export async function rotateSecret(q: Queryable, tenantId: string, id: string): Promise<ChannelSecret> {
  await ownChannel(q, tenantId, id)
  const secret = newSecret()
  const webhookKey = newWebhookKey()
  const [row] = await q
    .update(channels)
    .set({ secret, webhookKey })
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, id)))
    .returning()
  if (!row) throw new AppError('E_NOT_FOUND')
  return { channel: adminView(row), secret, webhookKey }
}

/** Changes a channel's settings (webchat keeps its own route); provider settings merge into the stored ones. */
export async function updateChannel(
  q: Queryable,
  tenantId: string,
  id: string,
  patch: ChannelSettings,
): Promise<ChannelAdminView> {
  // Website chat too (its name, its auto-complete); its distribution keeps /api/admin/channels/webchat.
  const row = await ownChannel(q, tenantId, id, true)
  if (row.kind === 'webchat' && (patch.config !== undefined || patch.address !== undefined))
    throw new AppError('E_VALIDATION', ['config: website chat is set at /api/admin/channels/webchat'])
  const set: Partial<ChannelRow> = {}
  if (patch.name !== undefined) set.name = patch.name
  if (patch.address !== undefined)
    set.address =
      row.kind === 'email' && patch.address
        ? await checkedMailAddress(q, tenantId, patch.address, row.id)
        : patch.address
  if (patch.autoCompleteMinutes !== undefined) set.autoCompleteMinutes = patch.autoCompleteMinutes
  if (patch.config !== undefined) {
    // Settings stored before CHANNEL_CONFIG knew them (the demo seed's) ride along unchecked; what is
    // sent, and every known setting, is checked as a whole.
    const kind = row.kind as ConnectableKind
    const known = new Set(['groupIds', ...Object.keys(CHANNEL_CONFIG[kind])])
    const stored = Object.fromEntries(Object.entries(row.config).filter(([k]) => known.has(k)))
    const checked = await checkedConfig(q, tenantId, kind, { ...stored, ...patch.config })
    set.config = { ...row.config, ...checked }
  }
  if (!Object.keys(set).length) return adminView(row)
  const [after] = await q
    .update(channels)
    .set(set)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, id)))
    .returning()
    .catch((e: unknown) => {
      throw addressTaken(e) ?? e
    })
  if (!after) throw new AppError('E_NOT_FOUND')
  return adminView(after)
}

/** Disconnects (connected = false): its webhooks answer 404 and nothing is sent through it. */
export async function disconnectChannel(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<ChannelAdminView> {
  await ownChannel(q, tenantId, id)
  const [row] = await q
    .update(channels)
    .set({ connected: false })
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, id)))
    .returning()
  if (!row) throw new AppError('E_NOT_FOUND')
  return adminView(row)
}

/**
 * Probe 13 #16: a channel whose connection the provider refused at once (it was never usable, its
 * secret never shown) is removed, not left behind disconnected — unless a chat already uses it, then it
 * stays disconnected. Answers whether it was removed.
 */
export async function removeUnusedChannel(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  const gone = await q
    .delete(channels)
    .where(
      and(
        eq(channels.tenantId, tenantId),
        eq(channels.id, id),
        ne(channels.kind, 'webchat'),
        sql`NOT EXISTS (SELECT 1 FROM chats WHERE chats.tenant_id = ${tenantId} AND chats.channel_id = ${id})`,
      ),
    )
    .returning({ id: channels.id })
  return gone.length > 0
}

/** The tenant's options (A5). */
export async function tenantFeatures(q: Queryable, tenantId: string) {
  const [t] = await q.select({ features: tenants.features }).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_AUTH_REQUIRED')
  return t.features
}

/**
 * Switches the omnichannel option (A5); the softphone is untouched. Every open app of the tenant is
 * told (`tenant.features`) so its tab bar follows without a reload.
 */
export async function setOmni(q: Queryable, tenantId: string, omni: boolean, actorId: string | null = null) {
  return q.transaction(async (tx) => {
    const [was] = await tx
      .select({ features: tenants.features })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update')
    const [t] = await tx
      .update(tenants)
      .set({ features: sql`${tenants.features} || jsonb_build_object('omni', ${omni}::boolean)` })
      .where(eq(tenants.id, tenantId))
      .returning({ features: tenants.features })
    if (!t) throw new AppError('E_AUTH_REQUIRED')
    await appendEvent(tx, tenantId, 'tenant.features', { features: t.features })
    if (actorId)
      await audit(tx, tenantId, {
        actorId,
        action: 'features.update',
        entity: 'settings',
        entityId: null,
        before: was?.features ?? null,
        after: t.features,
      })
    return t.features
  })
}

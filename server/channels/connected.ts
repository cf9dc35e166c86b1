/** Channels are connected per tenant (the `channels` table): a channel that is off takes nothing in. */
import { and, eq } from 'drizzle-orm'
import type { ChannelKind } from '../../contract/chats.ts'
import { type Queryable, schema } from '../db/index.ts'
import { AppError } from '../errors.ts'

const { channels, tenants } = schema

export interface ConnectedChannel {
  id: string
  tenantId: string
  tenantName: string
  kind: ChannelKind
  name: string
  config: Record<string, unknown>
}

/** The tenant (by slug) and its connected channel of `kind`; E_NOT_FOUND / E_CHANNEL_OFF otherwise (also with the omnichannel option off). */
export async function connectedChannel(
  q: Queryable,
  tenant: { slug: string } | { id: string },
  kind: ChannelKind,
): Promise<ConnectedChannel> {
  const [t] = await q
    .select({
      id: tenants.id,
      name: tenants.name,
      features: tenants.features,
      suspendedAt: tenants.suspendedAt,
    })
    .from(tenants)
    .where('slug' in tenant ? eq(tenants.slug, tenant.slug) : eq(tenants.id, tenant.id))
  if (!t) throw new AppError('E_NOT_FOUND')
  // A5: without the omnichannel option nobody would see the chat — to the client it is off.
  if (!t.features.omni) throw new AppError('E_CHANNEL_OFF')
  // A suspended company takes nothing in (probe 12 #7: the widget's open check still said yes).
  if (t.suspendedAt) throw new AppError('E_CHANNEL_OFF')
  const [c] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, t.id), eq(channels.kind, kind), eq(channels.connected, true)))
    .limit(1)
  if (!c) throw new AppError('E_CHANNEL_OFF')
  return { id: c.id, tenantId: t.id, tenantName: t.name, kind, name: c.name, config: c.config }
}

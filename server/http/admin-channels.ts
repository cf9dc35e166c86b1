/**
 * /api/admin/channels (A5, T1): the tenant's channels — list, connect (the webhook key and secret
 * answered once), rotate the secret, disconnect — and /api/admin/features (the omnichannel option).
 * Website chat keeps /api/admin/channels/webchat (templates.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  type ChannelAdminView,
  type ChannelSecretResponse,
  ChannelSettingsSchema,
  ConnectChannelSchema,
  type FeaturesResponse,
  FeaturesSchema,
} from '../../contract/channels.ts'
import { announceConnected, announceDisconnected, forgetWebhookChannels } from '../channels/index.ts'
import { channelSnapshot, entityChanges } from '../domain/admin-audit/index.ts'
import {
  type ChannelSecret,
  connectChannel,
  disconnectChannel,
  listChannels,
  removeUnusedChannel,
  rotateSecret,
  setOmni,
  tenantFeatures,
  updateChannel,
} from '../domain/channels/index.ts'
import { omniImpact } from '../domain/channels/omni-impact.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** The answer that shows the secret, with the absolute URL the provider is to call. */
function withUrl(req: FastifyRequest, s: ChannelSecret): ChannelSecretResponse {
  const path = s.channel.webhookPath ?? `/api/hooks/${s.channel.kind}/${s.webhookKey}`
  return { ...s, webhookUrl: `${req.protocol}://${req.host}${path}` }
}

/** Registers the admin channel and feature routes. */
export function adminChannelRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm
  /** A channel change with its audit row (before and after, secrets masked) in one transaction. */
  const change = entityChanges(db, 'channel', channelSnapshot)

  registerScope(app, deps, { auth: 'admin' }, (r) => {
    // A change to channels is seen by this process's webhooks before the admin has the answer.
    r.app.addHook('onSend', async (req) => {
      if (req.method !== 'GET') forgetWebhookChannels()
    })
    r.get(
      '/api/admin/channels',
      async (_req, p): Promise<{ channels: ChannelAdminView[] }> => ({
        channels: await listChannels(db(), p.tenantId),
      }),
    )

    r.post('/api/admin/channels', async (req, p, reply): Promise<ChannelSecretResponse> => {
      const body = validate(ConnectChannelSchema, req.body)
      const made = await change(
        p,
        'channel.connect',
        null,
        (tx) => connectChannel(tx, p.tenantId, body),
        (r) => r.channel.id,
      )
      const s = withUrl(req, made)
      await announceConnected(deps.db, p.tenantId, s.channel.id, s.webhookUrl).catch(async (e: unknown) => {
        // Probe 13 #16: the provider refused: the channel (never usable, its secret never shown) goes,
        // with its own audit row, so each retry does not leave one more behind.
        await change(p, 'channel.remove', s.channel.id, (tx) =>
          removeUnusedChannel(tx, p.tenantId, s.channel.id),
        )
        throw e
      })
      reply.code(201).header('cache-control', 'no-store')
      // The hook may have named the channel's address (a Telegram bot's @username).
      const after = (await listChannels(db(), p.tenantId)).find((c) => c.id === s.channel.id)
      return { ...s, channel: after ?? s.channel }
    })

    r.post('/api/admin/channels/:id/secret', async (req, p, reply): Promise<ChannelSecretResponse> => {
      const { id } = validate(IdParam, req.params)
      const s = withUrl(req, await change(p, 'channel.secret', id, (tx) => rotateSecret(tx, p.tenantId, id)))
      if (s.channel.connected) await announceConnected(deps.db, p.tenantId, id, s.webhookUrl)
      reply.header('cache-control', 'no-store')
      return s
    })

    r.patch('/api/admin/channels/:id', async (req, p): Promise<{ channel: ChannelAdminView }> => {
      const { id } = validate(IdParam, req.params)
      const body = validate(ChannelSettingsSchema, req.body)
      return {
        channel: await change(p, 'channel.update', id, (tx) => updateChannel(tx, p.tenantId, id, body)),
      }
    })

    r.post('/api/admin/channels/:id/disconnect', async (req, p): Promise<{ channel: ChannelAdminView }> => {
      const { id } = validate(IdParam, req.params)
      const channel = await change(p, 'channel.disconnect', id, (tx) => disconnectChannel(tx, p.tenantId, id))
      await announceDisconnected(deps.db, p.tenantId, channel.kind, id).catch((err: unknown) =>
        req.log.warn({ err }, 'channels: the provider was not told of the disconnection'),
      )
      return { channel }
    })

    r.get(
      '/api/admin/features',
      async (_req, p): Promise<FeaturesResponse> => ({
        features: await tenantFeatures(db(), p.tenantId),
        omniImpact: await omniImpact(db(), p.tenantId),
      }),
    )

    r.patch('/api/admin/features', async (req, p): Promise<FeaturesResponse> => {
      const { omni } = validate(FeaturesSchema, req.body)
      return { features: await setOmni(db(), p.tenantId, omni, p.employeeId) }
    })
  })
}

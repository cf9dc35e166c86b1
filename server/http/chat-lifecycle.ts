/**
 * The chat lifecycle (issue 9): transfer offers (T7), the idle completion and closing text (T8)
 * settings, and the durable jobs behind their timers. Thin over server/domain/chats. Also the spine
 * listener that withdraws offers from a member who went Off work or offline (T7's race).
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  AutoCompleteSchema,
  type ChatSettings,
  ChatSettingsSchema,
  type ChatTransferTarget,
  type TransferOfferView,
  type TransferResponse,
  TransferSchema,
} from '../../contract/chats.ts'
import { audited, channelSnapshot, chatSettingsSnapshot } from '../domain/admin-audit/index.ts'
import {
  AUTO_COMPLETE_JOB,
  acceptTransfer,
  chatSettingsOf,
  chatTransferTargets,
  completeChat,
  declineTransfer,
  expireTransfer,
  handOverTransfer,
  idleVerdict,
  myOffers,
  setAutoComplete,
  setChatSettings,
  TRANSFER_EXPIRE_JOB,
  TRANSFER_HANDOVER_JOB,
  transferChat,
  withdrawUnavailable,
} from '../domain/chats/index.ts'
import { RetryAt } from '../jobs/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the lifecycle's routes, job handlers and spine listener. */
export function chatLifecycleRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm

  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get(
      '/api/chats/transfer-targets',
      async (_req, p): Promise<ChatTransferTarget[]> => chatTransferTargets(db(), p),
    )

    r.post('/api/chats/:id/transfer', async (req, p): Promise<TransferResponse> => {
      const { id } = validate(IdParam, req.params)
      return transferChat(db(), p, id, validate(TransferSchema, req.body ?? {}))
    })

    r.get(
      '/api/transfers',
      async (_req, p): Promise<{ offers: TransferOfferView[] }> => ({
        offers: await myOffers(db(), p),
      }),
    )

    r.post('/api/transfers/:id/accept', async (req, p): Promise<{ offer: TransferOfferView }> => {
      const { id } = validate(IdParam, req.params)
      return { offer: await acceptTransfer(db(), p, id) }
    })

    r.post('/api/transfers/:id/decline', async (req, p): Promise<{ offer: TransferOfferView }> => {
      const { id } = validate(IdParam, req.params)
      return { offer: await declineTransfer(db(), p, id) }
    })
  })

  registerScope(app, deps, { auth: 'admin' }, (r) => {
    r.get(
      '/api/admin/chat-settings',
      async (_req, p): Promise<ChatSettings> => chatSettingsOf(db(), p.tenantId),
    )
    r.put('/api/admin/chat-settings', async (req, p): Promise<ChatSettings> => {
      const body = validate(ChatSettingsSchema, req.body)
      return audited(db(), p.tenantId, {
        actorId: p.employeeId,
        action: 'chat_settings.update',
        entity: 'settings',
        entityId: null,
        snapshot: (tx) => chatSettingsSnapshot(tx, p.tenantId),
        change: (tx) => setChatSettings(tx, p, body),
      })
    })
    r.put(
      '/api/admin/channels/:id/auto-complete',
      async (req, p): Promise<{ channelId: string; minutes: number | null }> => {
        const { id } = req.params as { id?: string }
        const channelId = id === 'webchat' ? 'webchat' : validate(IdParam, req.params).id
        const { minutes } = validate(AutoCompleteSchema, req.body)
        return audited(db(), p.tenantId, {
          actorId: p.employeeId,
          action: 'channel.auto_complete',
          entity: 'channel',
          entityId: channelId,
          idOf: (r) => r.channelId,
          snapshot: (tx, x) => channelSnapshot(tx, p.tenantId, x),
          change: (tx) => setAutoComplete(tx, p, channelId, minutes),
        })
      },
    )
  })

  const str = (x: unknown) => (typeof x === 'string' ? x : '')
  app.jobs.handle(TRANSFER_EXPIRE_JOB, async (job) => {
    const out = await expireTransfer(db(), job.tenantId ?? '', str(job.payload.transferId))
    // A job claimed a moment early (clocks) runs again at the deadline.
    if (out === 'not_due') throw new RetryAt(new Date(Date.now() + 100), 'before its deadline')
  })
  app.jobs.handle(TRANSFER_HANDOVER_JOB, async (job) => {
    await handOverTransfer(db(), job.tenantId ?? '', str(job.payload.transferId))
  })
  app.jobs.handle(AUTO_COMPLETE_JOB, async (job) => {
    const tenantId = job.tenantId ?? ''
    const chatId = str(job.payload.chatId)
    const verdict = await idleVerdict(db(), tenantId, chatId)
    if (!verdict) return
    const after = await completeChat(db(), verdict.complete, chatId, { ifIdleMs: verdict.idleMs })
    // Someone wrote while it ran: wait for the new deadline.
    if (after.state !== 'completed') await idleVerdict(db(), tenantId, chatId)
  })

  // T7: a member offered a chat who goes Off work, or whose app goes offline (logout), is withdrawn.
  const off = deps.hub.spine.on((ev, tenantId) => {
    if (ev.type !== 'status.changed' && ev.type !== 'presence.changed') return
    return withdrawUnavailable(db(), tenantId, ev.payload.employeeId).then(
      () => undefined,
      (err: unknown) => app.log.warn({ err }, 'transfer: withdrawing an unavailable member failed'),
    )
  })
  app.addHook('onClose', async () => off())
}

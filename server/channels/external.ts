/**
 * External channels' outbound side (issue 8): an operator's message in a chat of e-mail, Telegram or a
 * gateway leaves through the durable job `DELIVER_JOB`, queued in the message's own transaction
 * (server/domain/chats/rows.ts). The job's handler here finds the channel's adapter and sends; the
 * provider's id of what was sent and the state it reports are recorded on the message. Failures are
 * retried with backoff; the last failed attempt marks the message `failed` (the app shows it).
 *
 * A job runs at least once (server/jobs/): an adapter that can, passes the message id to the provider
 * as an idempotency key; all of them are called at most once per successful claim.
 */
import type { ChannelKind, DeliveryFailReason } from '../../contract/chats.ts'
import type { Db } from '../db/index.ts'
import { DELIVER_JOB, type Deliverable, deliverable, recordDelivery } from '../domain/chats/index.ts'
import type { FileStore } from '../files/index.ts'
import type { PublicLinks } from '../files/public-links.ts'
import { type JobRunner, PermanentFailure } from '../jobs/index.ts'

/** What an adapter's send may use. */
export interface SendContext {
  db: Db
  files: FileStore
  /** Signs public links to chat files, for providers that fetch media by URL (Viber). */
  publicLinks?: PublicLinks
}

/** The result of a send: the provider's id of the message, when it gives one (receipts use it). */
export interface Sent {
  externalId?: string | null
  /** When the provider confirms more than acceptance (an SMTP relay: delivered to the next hop). */
  state?: 'sent' | 'delivered'
}

/** One external channel kind's sender. Throw PermanentFailure for what no retry mends (a 4xx). */
export interface ExternalAdapter {
  readonly kind: ChannelKind
  send(d: Deliverable, ctx: SendContext): Promise<Sent>
}

/**
 * A final failure whose reason the operator may read (`reason`: `ru / en` text, no provider's raw
 * answer): recorded on the message as its `failDetail` beside the reason's class.
 */
export class ReadableFailure extends PermanentFailure {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message)
  }
}

/**
 * Why a delivery failed, for the operator (short and translated in the app): the channel is not set up
 * to send (its adapter says what is missing: relay, credentials, token), the provider refused it (a
 * final 4xx), or it stayed unreachable through every retry.
 */
export function failReasonOf(e: unknown): DeliveryFailReason {
  if (!(e instanceof PermanentFailure)) return 'unreachable'
  return /not configured|no smtp|credential|token|not set|disconnected|no adapter/i.test(e.message)
    ? 'setup'
    : 'rejected'
}

/** Registers the delivery job's handler for the given adapters (one per channel kind). */
export function startExternalDelivery(
  jobs: JobRunner,
  ctx: SendContext,
  adapters: readonly ExternalAdapter[],
): void {
  const byKind = new Map(adapters.map((a) => [a.kind, a]))
  jobs.handle(DELIVER_JOB, async (job) => {
    const tenantId = job.tenantId
    const messageId = typeof job.payload.messageId === 'string' ? job.payload.messageId : null
    if (!tenantId || !messageId) throw new PermanentFailure('malformed delivery job')
    const d = await deliverable(ctx.db.orm, tenantId, messageId)
    if (!d) return // The message, chat or channel is gone: nothing to send.
    if (d.message.delivery !== 'sent' || d.message.author !== 'operator') return
    const fail = async (reason: string) => {
      await recordDelivery(ctx.db.orm, tenantId, { messageId }, { state: 'failed', failReason: 'setup' })
      throw new PermanentFailure(reason)
    }
    const adapter = byKind.get(d.channel.kind as ChannelKind)
    if (!adapter) return fail(`no adapter for ${d.channel.kind}`)
    if (!d.channel.connected) return fail('channel disconnected')
    try {
      const sent = await adapter.send(d, ctx)
      await recordDelivery(
        ctx.db.orm,
        tenantId,
        { messageId },
        {
          externalId: sent.externalId ?? undefined,
          state: sent.state === 'delivered' ? 'delivered' : undefined,
        },
      )
    } catch (e) {
      if (e instanceof PermanentFailure || job.attempts >= job.maxAttempts)
        await recordDelivery(
          ctx.db.orm,
          tenantId,
          { messageId },
          {
            state: 'failed',
            failReason: failReasonOf(e),
            ...(e instanceof ReadableFailure ? { failDetail: e.reason } : {}),
          },
        )
      throw e
    }
  })
}

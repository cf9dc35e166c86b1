/**
 * End-to-end test doors, registered only with FRONTLINE_TEST_HOOKS=1 (never in production: `npm
 * start` does not set it). POST /internal/test/inbound: a client's message through a connected
 * channel of a kind, as its adapter would store it (receiveInbound), so a spec can have a chat of a
 * channel whose provider stand-in it does not run (T12 needs one that allows scheduling).
 * Loopback with the internal secret, as Kamailio's door.
 */

import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { CHANNEL_KINDS } from '../../contract/chats.ts'
import { text } from '../../contract/text.ts'
import { schema } from '../db/index.ts'
import { receiveInbound } from '../domain/chats/index.ts'
import { tenantBySlug } from '../domain/leads/index.ts'
import { AppError } from '../errors.ts'
import { internalAllowed } from '../sip/index.ts'
import { type AppDeps, validate } from './context.ts'

const InboundSchema = v.strictObject({
  tenant: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  kind: v.picklist(CHANNEL_KINDS.filter((k) => k !== 'webchat')),
  clientAddress: v.pipe(text, v.minLength(1), v.maxLength(320)),
  providerMsgId: v.pipe(text, v.minLength(1), v.maxLength(200)),
  clientName: v.optional(v.pipe(text, v.maxLength(100))),
  clientPhone: v.optional(v.pipe(text, v.maxLength(40))),
  text: v.pipe(text, v.maxLength(10_000)),
})

/** Registers the doors when the environment asks for them. */
export function testHookRoutes(app: FastifyInstance, deps: AppDeps): void {
  if (process.env.FRONTLINE_TEST_HOOKS !== '1') return
  app.post('/internal/test/inbound', { config: { auth: 'internal' } }, async (req) => {
    if (!internalAllowed(req.ip, req.headers['x-internal-secret'], deps.secrets.internalSecret))
      throw new AppError('E_NOT_FOUND')
    const body = validate(InboundSchema, req.body)
    const q = deps.db.orm
    const tenantId = await tenantBySlug(q, body.tenant)
    const { channels } = schema
    let [ch] = await q
      .select()
      .from(channels)
      .where(and(eq(channels.tenantId, tenantId), eq(channels.kind, body.kind), eq(channels.connected, true)))
      .limit(1)
    if (!ch)
      [ch] = await q
        .insert(channels)
        .values({ tenantId, kind: body.kind, name: `Test ${body.kind}`, connected: true })
        .returning()
    if (!ch) throw new Error('channel insert returned nothing')
    const r = await receiveInbound(q, tenantId, {
      channelId: ch.id,
      clientAddress: body.clientAddress,
      providerMsgId: body.providerMsgId,
      clientName: body.clientName,
      clientPhone: body.clientPhone,
      text: body.text,
    })
    return { chatId: r.chat.id, messageId: r.message.id }
  })
}

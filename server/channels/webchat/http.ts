/**
 * The website visitor's API (docs/api.md "Visitor API"): /api/visitor/session, messages, files, read,
 * and GET /widget.js. Authorisation is the signed visitor token (Bearer); employees' tokens open
 * nothing here. The routes answer CORS for any origin: the widget runs on the tenant's own site, and
 * no cookie is involved (the token travels in a header), so `*` gives nothing away.
 *
 * Rate limits (429 E_RATE_LIMITED) are per visitor (the id his token names, so renewing the token
 * gives no fresh budget): a request with a valid token counts for him only, never for his address, so
 * one visitor's flood is refused for him alone — other visitors behind the same NAT are not touched.
 * The address limits are a coarse guard on what has no visitor yet: requests without a valid token
 * (the socket's upgrade, a bad token) and new visitors minted by a session without a token
 * (in memory, per instance: a burst is what they stop).
 */

import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  type VisitorChat,
  VisitorFileParam,
  VisitorOpenQuery,
  type VisitorOpenResponse,
  VisitorReadSchema,
  type VisitorSendResponse,
  VisitorSendSchema,
  type VisitorSessionResponse,
  VisitorSessionSchema,
  VisitorUploadQuery,
  type VisitorUploadResponse,
} from '../../../contract/visitor.ts'
import { addressKey } from '../../domain/address-key.ts'
import {
  addClientMessage,
  clientMessages,
  fileForVisitor,
  markClientRead,
  openClientChat,
  setClientName,
  storeFile,
} from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import { acceptRawUploads, type FileStore, sendStored } from '../../files/index.ts'
import { type AppDeps, bearer, validate } from '../../http/context.ts'
import { registerScope } from '../../http/scope.ts'
import { connectedChannel } from '../connected.ts'
import { signVisitorToken, verifyVisitorToken } from '../visitor-token.ts'
import {
  createVisitor,
  lastChatOf,
  requestInfoOf,
  setVisitorName,
  type Visitor,
  visitorByToken,
} from '../visitors.ts'
import { WindowCounter } from './limits.ts'
import { toVisitorChat, toVisitorMessage } from './views.ts'

/** Requests per minute. */
export interface VisitorLimits {
  /** Per visitor (his id, whatever token of his is used), every visitor route. */
  perToken: number
  /** Per client address, requests without a valid visitor token (offices share one address: generous). */
  perAddress: number
  /** New visitors per client address (sessions without a token; an office NAT's first visits fit). */
  sessionsPerAddress: number
}
export const VISITOR_LIMITS: VisitorLimits = { perToken: 60, perAddress: 600, sessionsPerAddress: 120 }

/** Messages of a chat returned with a session (the newest). */
const SESSION_MESSAGES = 50

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, accept-language',
  'access-control-max-age': '600',
}

export interface WebchatRoutesOptions {
  files: FileStore
  /** Registers the visitor WebSocket in the limited scope (ws.ts). */
  socket?: (scope: FastifyInstance) => void
  limits?: Partial<VisitorLimits> | undefined
  /** ATTACHMENT_MAX_BYTES unless a test lowers it. */
  maxBytes?: number | undefined
}

/** Registers the visitor routes and /widget.js. */
export async function webchatRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  opts: WebchatRoutesOptions,
): Promise<void> {
  const limits = { ...VISITOR_LIMITS, ...opts.limits }
  const q = deps.db.orm
  const secret = deps.secrets.visitorSecret
  const visitorOf = (req: FastifyRequest) => {
    const token = bearer(req)
    if (!token) throw new AppError('E_VISITOR_TOKEN')
    return visitorByToken(q, secret, token)
  }

  const widget = path.join(deps.distDir, 'widget', 'widget.js')
  // Every page view of every client's site asks for it: read once (the build precedes the start).
  let cached: Promise<Buffer | null> | null = null
  app.get('/widget.js', async (_req, reply) => {
    cached ??= fs.promises.readFile(widget).catch(() => null)
    const code = await cached
    // Not built yet: look again next time rather than remembering the miss.
    if (!code) cached = null
    if (!code) throw new AppError('E_NOT_FOUND')
    return (
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        // Loaded by <script> from the tenants' sites: another origin must be allowed to use it.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(code)
    )
  })

  await app.register(async (scope) => {
    const perAddress = new WindowCounter(limits.perAddress)
    const perToken = new WindowCounter(limits.perToken)
    const sessions = new WindowCounter(limits.sessionsPerAddress)
    /** The visitor a token names (signature and expiry only: the route checks he exists), or null. */
    const claimed = (token: string | undefined | null) => {
      if (!token) return null
      try {
        const c = verifyVisitorToken(secret, token)
        return `${c.tenantId}:${c.visitorId}`
      } catch {
        return null
      }
    }
    /** Counts a request of a visitor, or of an address when there is no valid token. */
    const charge = (req: FastifyRequest, token: string | undefined | null) => {
      const visitor = claimed(token)
      if (!(visitor ? perToken.hit(visitor) : perAddress.hit(addressKey(req.ip))))
        throw new AppError('E_RATE_LIMITED')
      return visitor
    }
    scope.addHook('onRequest', async (req, reply) => {
      reply.headers(CORS)
      if (req.method === 'OPTIONS') return
      // The session route carries its token in the body: counted there.
      if (req.url.startsWith('/api/visitor/session')) return
      charge(req, bearer(req))
    })
    // Typed scopes (server/http/scope.ts): the visitor level is checked by `vdeps.visitorAuth`.
    const vdeps: AppDeps = { ...deps, visitorAuth: visitorOf }
    registerScope(scope, vdeps, { auth: 'public' }, (r) => {
      r.app.options('/api/visitor/*', { config: { auth: 'public' } }, async (_req, reply) =>
        reply.code(204).send(),
      )
      // A5: the widget asks at start; website chat off (or omnichannel off): no launcher, no dead chat.
      r.get('/api/visitor/open', async (req): Promise<VisitorOpenResponse> => {
        const { tenant } = validate(VisitorOpenQuery, req.query)
        try {
          await connectedChannel(q, { slug: tenant }, 'webchat')
          return { open: true }
        } catch (e) {
          if (e instanceof AppError && e.code === 'E_CHANNEL_OFF') return { open: false }
          throw e
        }
      })
      r.post('/api/visitor/session', async (req): Promise<VisitorSessionResponse> => {
        const body = validate(VisitorSessionSchema, req.body)
        // A returning visitor counts for himself; a new one (a visitor row made) for his address.
        if (!charge(req, body.token) && !sessions.hit(addressKey(req.ip)))
          throw new AppError('E_RATE_LIMITED')
        const ch = await connectedChannel(q, { slug: body.tenant }, 'webchat')
        const v = body.token
          ? await visitorByToken(q, secret, body.token, { tenantId: ch.tenantId, touch: true })
          : await createVisitor(q, ch.tenantId, requestInfoOf(body.page))
        const { token, expiresAt } = signVisitorToken(secret, {
          tenantId: ch.tenantId,
          visitorId: v.visitorId,
        })
        const chat = await lastChatOf(q, v)
        const messages = chat
          ? await clientMessages(q, v.tenantId, chat.id, { limit: SESSION_MESSAGES, visitorId: v.visitorId })
          : []
        return {
          token,
          visitorId: v.visitorId,
          expiresAt: new Date(expiresAt * 1000).toISOString(),
          chat,
          messages: messages.map(toVisitorMessage),
          tenantName: ch.tenantName,
        }
      })
    })

    // The socket's upgrade counts against the address limit (its token comes later, in a frame).
    opts.socket?.(scope)

    registerScope(scope, vdeps, { auth: 'visitor' }, (r) => {
      r.post('/api/visitor/messages', async (req, who): Promise<VisitorSendResponse> => {
        // visitorOf returns the whole Visitor row (name, request info), a VisitorPrincipal and more.
        const v = who as Visitor
        const body = validate(VisitorSendSchema, req.body)
        if (!body.text.trim() && !body.fileId) throw new AppError('E_VALIDATION', ['text: empty'])
        // Website chat switched off: nothing more comes in (409 E_CHANNEL_OFF, the widget says so).
        await connectedChannel(q, { id: v.tenantId }, 'webchat')
        // A file he uploaded (or one of his chats): another visitor's file id is not his to send.
        if (body.fileId && !(await fileForVisitor(q, v.tenantId, body.fileId, v.visitorId)))
          throw new AppError('E_NOT_FOUND')
        if (body.name) await setVisitorName(q, v, body.name)
        const chatId = await chatFor(v, body.name || v.name)
        const r = await addClientMessage(q, v.tenantId, {
          chatId,
          clientMsgId: body.clientMsgId,
          text: body.text,
          replyToId: body.replyToId ?? null,
          fileId: body.fileId ?? null,
          visitorId: v.visitorId,
        })
        // A name given after the chat began reaches the operator too.
        const chat =
          body.name && r.chat.clientName !== body.name
            ? await setClientName(q, v.tenantId, r.chat.id, body.name, v.visitorId)
            : r.chat
        return { message: toVisitorMessage(r.message), chat: toVisitorChat(chat) }
      })

      r.post('/api/visitor/read', async (req, who) => {
        const { upToN } = validate(VisitorReadSchema, req.body)
        const chat = await lastChatOf(q, who)
        if (!chat) throw new AppError('E_NOT_FOUND')
        await markClientRead(q, who.tenantId, chat.id, upToN, who.visitorId)
        return { ok: true }
      })

      r.get('/api/visitor/files/:id', async (req, who, reply) => {
        const { id } = validate(VisitorFileParam, req.params)
        const f = await fileForVisitor(q, who.tenantId, id, who.visitorId)
        if (!f) throw new AppError('E_NOT_FOUND')
        // Never rendered by the browser as a page of ours, whatever the file holds.
        reply.header('content-disposition', 'attachment')
        return sendStored(req, reply, opts.files, { tenantId: who.tenantId, sha256: f.sha256, type: f.type })
      })
    })

    /** His latest chat; a completed one too (the chat domain opens the next one on his message). */
    async function chatFor(v: Visitor, name: string | null): Promise<string> {
      const last: VisitorChat | null = await lastChatOf(q, v)
      if (last) return last.id
      const chat = await openClientChat(q, v.tenantId, {
        channel: 'webchat',
        visitorId: v.visitorId,
        clientName: name,
        requestInfo: v.requestInfo,
      })
      return chat.id
    }

    // Raw uploads: the visitor is settled in onRequest, before a byte of the body is read.
    registerScope(scope, vdeps, { auth: 'visitor', beforeBody: true }, (r) => {
      acceptRawUploads(r.app)
      r.post('/api/visitor/files', async (req, who): Promise<VisitorUploadResponse> => {
        const query = validate(VisitorUploadQuery, req.query)
        await connectedChannel(q, { id: who.tenantId }, 'webchat')
        const body = req.body as Readable | undefined
        if (!body) throw new AppError('E_FILE_TYPE')
        const voice = query.voice === '1'
        const file = await storeFile(q, opts.files, {
          tenantId: who.tenantId,
          name: query.name ?? 'file',
          kind: voice ? 'voice' : 'file',
          durationMs: query.durationMs === undefined ? null : Number(query.durationMs),
          body,
          contentLength: req.headers['content-length'],
          uploadedBy: { visitorId: who.visitorId },
          maxBytes: opts.maxBytes,
        })
        return { file }
      })
    })
  })
}

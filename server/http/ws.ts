/** /api/ws (docs/api.md): auth as the first message, resume from seq, then the live stream. */
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { errorMessage } from '../../contract/errors.ts'
import { ClientMessageSchema, type ServerMessage } from '../../contract/events.ts'
import { authenticate, type Principal, sessionLive } from '../domain/auth/index.ts'
import { AppError } from '../errors.ts'
import { FeedConnection } from '../realtime/feed.ts'
import type { AppDeps } from './context.ts'

const AUTH_TIMEOUT_MS = 10_000
/** Close code for a bad first message or a bad token (docs/api.md). */
export const WS_UNAUTHORIZED = 4401
/** Close code for a server-side failure (e.g. the database): the client just reconnects. */
export const WS_INTERNAL_ERROR = 1011

/** Registers the WebSocket route. */
export function wsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/ws', { websocket: true }, (socket, req) => {
    let who: Principal | null = null
    let feed: FeedConnection | null = null
    let remove: (() => void) | null = null
    let authing = false
    const send = (m: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m))
    }
    const bad = () =>
      send({ kind: 'error', code: 'E_BAD_REQUEST', message: errorMessage('E_BAD_REQUEST', 'en') })
    const timer = setTimeout(() => socket.close(WS_UNAUTHORIZED, 'auth timeout'), AUTH_TIMEOUT_MS)

    socket.on('close', () => {
      clearTimeout(timer)
      remove?.()
    })
    const fail = (e: unknown, what: string) => {
      req.log.error({ err: e }, `ws: ${what} failed`)
      socket.close(WS_INTERNAL_ERROR, 'server error')
    }
    const onMessage = async (data: unknown, isBinary: boolean) => {
      let msg: v.InferOutput<typeof ClientMessageSchema> | null = null
      try {
        const parsed = v.safeParse(ClientMessageSchema, isBinary ? null : JSON.parse(String(data)))
        if (parsed.success) msg = parsed.output
      } catch {
        msg = null
      }
      if (!who) {
        // Until authenticated, anything but a valid auth closes the socket.
        if (authing) return
        if (msg?.type !== 'auth') return socket.close(WS_UNAUTHORIZED, 'auth required')
        authing = true
        let p: Principal
        try {
          p = await authenticate(deps.db.orm, msg.token)
        } catch (e) {
          // Only a refused token means "revoked" to the client; anything else (the database) is retried.
          if (e instanceof AppError && e.code === 'E_AUTH_REQUIRED')
            return socket.close(WS_UNAUTHORIZED, 'bad token')
          return fail(e, 'auth')
        } finally {
          clearTimeout(timer)
        }
        if (socket.readyState !== socket.OPEN) return
        who = p
        feed = new FeedConnection(p.tenantId, send, deps.hub.source)
        remove = deps.hub.add(feed, {
          id: p.sessionId,
          revoke: () => socket.close(WS_UNAUTHORIZED, 'session revoked'),
        })
        // A revocation committed between authenticate() and add() was announced before this socket was
        // registered; look once more now that any later one will reach it.
        if (!(await sessionLive(deps.db.orm, p.tenantId, p.sessionId)))
          return socket.close(WS_UNAUTHORIZED, 'session revoked')
        const lastSeq = await deps.hub.source.lastSeq(p.tenantId)
        if (socket.readyState === socket.OPEN) send({ kind: 'ready', lastSeq })
        return
      }
      if (!msg || msg.type === 'auth') return bad()
      if (msg.type === 'ping') {
        // Cheap backstop for a missed revocation NOTIFY (and for expiry while connected).
        const live = await sessionLive(deps.db.orm, who.tenantId, who.sessionId).catch((e: unknown) => {
          req.log.warn({ err: e }, 'ws: session check failed')
          return true
        })
        if (!live) return socket.close(WS_UNAUTHORIZED, 'session revoked')
        return send({ kind: 'pong' })
      }
      if (!(await feed?.resume(msg.since).catch((e: unknown) => req.log.error({ err: e }, 'resume failed'))))
        bad()
    }
    socket.on('message', (data, isBinary) => {
      onMessage(data, isBinary).catch((e: unknown) => fail(e, 'message'))
    })
  })
}

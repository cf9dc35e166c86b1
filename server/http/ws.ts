/** /api/ws (docs/api.md): auth as the first message, resume from seq, then the live stream. */
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { errorMessage } from '../../contract/errors.ts'
import { ClientMessageSchema, type ServerMessage } from '../../contract/events.ts'
import { authenticate, type Principal } from '../domain/auth/index.ts'
import { FeedConnection } from '../realtime/feed.ts'
import type { AppDeps } from './context.ts'

const AUTH_TIMEOUT_MS = 10_000
/** Close code for a bad first message or a bad token (docs/api.md). */
export const WS_UNAUTHORIZED = 4401

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
    socket.on('message', async (data, isBinary) => {
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
        try {
          who = await authenticate(deps.db.orm, msg.token)
        } catch {
          return socket.close(WS_UNAUTHORIZED, 'bad token')
        } finally {
          clearTimeout(timer)
        }
        if (socket.readyState !== socket.OPEN) return
        feed = new FeedConnection(who.tenantId, send, deps.hub.source)
        remove = deps.hub.add(feed)
        send({ kind: 'ready', lastSeq: await deps.hub.source.lastSeq(who.tenantId) })
        return
      }
      if (!msg || msg.type === 'auth') return bad()
      if (msg.type === 'ping') return send({ kind: 'pong' })
      if (!(await feed?.resume(msg.since).catch((e: unknown) => req.log.error({ err: e }, 'resume failed'))))
        bad()
    })
  })
}

/** /api/ws (docs/api.md): auth as the first message, resume from seq, then the live stream. */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { errorMessage } from '../../contract/errors.ts'
import { ClientMessageSchema, type ServerMessage } from '../../contract/events.ts'
import { authenticate, type Principal, REFUSED_TOKEN_CODES, sessionLive } from '../domain/auth/index.ts'
import { AppError } from '../errors.ts'
import { FeedConnection } from '../realtime/feed.ts'
import type { AppDeps } from './context.ts'

const AUTH_TIMEOUT_MS = 10_000
/** Frames a client may send before its auth completes (they are answered in order afterwards). */
const MAX_PENDING = 32
/** Close code for a bad first message or a bad token (docs/api.md). */
export const WS_UNAUTHORIZED = 4401
/** Close code for a server-side failure (e.g. the database): the client just reconnects. */
export const WS_INTERNAL_ERROR = 1011

/** Socket-level errors a client causes (ws protocol violations, a dropped connection): not our fault. */
const CLIENT_NET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'])
function isClientFault(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('WS_ERR_') || CLIENT_NET_CODES.has(code))
}

/**
 * @fastify/websocket's errorHandler. A frame too big, bad UTF-8, a bad opcode or a reset connection is
 * the client's doing: one short info line (anyone could otherwise fill the error log); anything else
 * is ours and logged as an error with its stack. Either way the socket is dropped.
 */
export function wsErrorHandler(
  error: Error,
  socket: { terminate(): void },
  req: { log: FastifyBaseLogger },
): void {
  if (isClientFault(error))
    req.log.info(
      { code: (error as { code?: string }).code },
      `ws: client fault: ${error.message.slice(0, 100)}`,
    )
  else req.log.error({ err: error }, 'ws: socket error')
  socket.terminate()
}

/** Registers the WebSocket route. */
export function wsRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Authenticated in-band (the first message carries the token), so the level is recorded here.
  app.get('/api/ws', { websocket: true, config: { auth: 'employee' } }, (socket, req) => {
    let who: Principal | null = null
    let feed: FeedConnection | null = null
    let remove: (() => void) | null = null
    // Every frame is handled after the previous one finished, so frames sent right after `auth`
    // (before `ready`) are answered in order once it completes, never dropped.
    let chain: Promise<void> = Promise.resolve()
    let pending = 0
    // `json`: a live event's frame, serialized once by the hub for all its sockets.
    const send = (m: ServerMessage, json?: string) => {
      if (socket.readyState === socket.OPEN) socket.send(json ?? JSON.stringify(m))
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
      if (socket.readyState !== socket.OPEN) return
      let msg: v.InferOutput<typeof ClientMessageSchema> | null = null
      try {
        const parsed = v.safeParse(ClientMessageSchema, isBinary ? null : JSON.parse(String(data)))
        if (parsed.success) msg = parsed.output
      } catch {
        msg = null
      }
      if (!who) {
        // Until authenticated, anything but a valid auth closes the socket.
        if (msg?.type !== 'auth') return socket.close(WS_UNAUTHORIZED, 'auth required')
        let p: Principal
        try {
          p = await authenticate(deps.db.orm, msg.token)
        } catch (e) {
          // Only a refused token means "revoked" to the client; anything else (the database) is retried.
          if (e instanceof AppError && REFUSED_TOKEN_CODES.has(e.code))
            return socket.close(WS_UNAUTHORIZED, 'bad token')
          return fail(e, 'auth')
        } finally {
          clearTimeout(timer)
        }
        if (socket.readyState !== socket.OPEN) return
        // Probe 13 #13: no feed for a one-time password (the app opens none before his own is set).
        if (p.oneTimePassword) return socket.close(WS_UNAUTHORIZED, 'password change required')
        // Who this operator is for audiences (realtime/audience.ts): role and groups.
        const viewer = await deps.hub.viewer(p)
        if (socket.readyState !== socket.OPEN) return
        who = p
        feed = new FeedConnection(p.tenantId, send, deps.hub.source, viewer)
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
      // Before auth completes the queue is bounded: an unauthenticated client cannot pile up work.
      if (!who && ++pending > MAX_PENDING) return socket.close(WS_UNAUTHORIZED, 'auth required')
      chain = chain
        .then(() => onMessage(data, isBinary))
        .catch((e: unknown) => fail(e, 'message'))
        .finally(() => {
          if (pending > 0) pending--
        })
    })
  })
}

/**
 * /api/visitor/ws (docs/api.md): the widget's live link. First frame `auth {token}` (the visitor
 * token) → `ready {chat}`; then `resume {afterN}` → every message of his chat after n, in order, then
 * `live` and the live frames (sockets.ts). `delivered {upToN}` marks the operator's messages the widget
 * got. A bad first frame or token closes with 4401; a flood of frames (or of resumes) closes with 4429;
 * past SOCKETS_PER_VISITOR sockets of one visitor the oldest closes with 4409. A resume while another is
 * still waiting behind a replay is refused with an error frame (one replay runs, one may wait).
 */
import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { errorMessage } from '../../../contract/errors.ts'
import {
  type VisitorClientFrame,
  VisitorClientFrameSchema,
  type VisitorServerFrame,
} from '../../../contract/visitor.ts'
import { clientMessages, markDelivered } from '../../domain/chats/index.ts'
import { AppError } from '../../errors.ts'
import type { AppDeps } from '../../http/context.ts'
import { lastChatOf, type Visitor, visitorByToken } from '../visitors.ts'
import { VisitorSocket, type WebchatAdapter } from './sockets.ts'

const AUTH_TIMEOUT_MS = 10_000
const WS_UNAUTHORIZED = 4401
const WS_FLOOD = 4429
/** Closed because the visitor opened more sockets than SOCKETS_PER_VISITOR (this one was the oldest). */
const WS_REPLACED = 4409
/** Resumes a socket may ask for per minute (each replays his chat): a reconnecting widget needs a few. */
const RESUMES_PER_MINUTE = 10
/** Frames a socket may send per minute (the widget sends a few: auth, resume, acks, pings). */
const FRAMES_PER_MINUTE = 240
const REPLAY_PAGE = 200

/** Registers the visitor WebSocket; outbound frames come through `adapter`. */
export function visitorWsRoutes(app: FastifyInstance, deps: AppDeps, adapter: WebchatAdapter): void {
  const q = deps.db.orm
  app.get('/api/visitor/ws', { websocket: true, config: { auth: 'visitor' } }, (socket, req) => {
    let who: Visitor | null = null
    let conn: VisitorSocket | null = null
    let remove: (() => void) | null = null
    let chain: Promise<void> = Promise.resolve()
    let frames = 0
    let resumes = 0
    /** Resumes running or queued (one replays, one may wait behind it). */
    let resumesPending = 0
    let windowStart = Date.now()
    const send = (f: VisitorServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(f))
    }
    const bad = (code = 'E_BAD_REQUEST' as const) =>
      send({ kind: 'error', code, message: errorMessage(code, 'en') })
    const timer = setTimeout(() => socket.close(WS_UNAUTHORIZED, 'auth timeout'), AUTH_TIMEOUT_MS)
    socket.on('close', () => {
      clearTimeout(timer)
      remove?.()
    })
    const fail = (e: unknown, what: string) => {
      req.log.error({ err: e }, `visitor ws: ${what} failed`)
      socket.close(1011, 'server error')
    }

    const parse = (data: unknown, isBinary: boolean): VisitorClientFrame | null => {
      try {
        const parsed = v.safeParse(VisitorClientFrameSchema, isBinary ? null : JSON.parse(String(data)))
        return parsed.success ? parsed.output : null
      } catch {
        return null
      }
    }

    const onFrame = async (msg: VisitorClientFrame | null) => {
      if (socket.readyState !== socket.OPEN) return
      if (!who) {
        if (msg?.type !== 'auth') return socket.close(WS_UNAUTHORIZED, 'auth required')
        try {
          who = await visitorByToken(q, deps.secrets.visitorSecret, msg.token)
        } catch (e) {
          if (e instanceof AppError && e.code === 'E_VISITOR_TOKEN')
            return socket.close(WS_UNAUTHORIZED, 'bad token')
          return fail(e, 'auth')
        } finally {
          clearTimeout(timer)
        }
        const chat = await lastChatOf(q, who)
        if (socket.readyState !== socket.OPEN) return
        conn = new VisitorSocket(who.tenantId, who.visitorId, chat, send, () =>
          socket.close(WS_REPLACED, 'too many sockets'),
        )
        remove = adapter.add(conn)
        return send({ kind: 'ready', chat })
      }
      if (!msg || msg.type === 'auth' || !conn) return bad()
      if (msg.type === 'ping') return send({ kind: 'pong' })
      const v0 = who
      if (msg.type === 'resume') {
        await conn.replay(msg.afterN, (chatId, afterN) =>
          clientMessages(q, v0.tenantId, chatId, { afterN, limit: REPLAY_PAGE, visitorId: v0.visitorId }),
        )
        return
      }
      if (conn.chatId)
        await markDelivered(q, v0.tenantId, conn.chatId, msg.upToN, v0.visitorId).catch((e: unknown) => {
          if (!(e instanceof AppError)) throw e
        })
    }

    socket.on('message', (data, isBinary) => {
      const now = Date.now()
      if (now - windowStart >= 60_000) {
        windowStart = now
        frames = 0
        resumes = 0
      }
      if (++frames > FRAMES_PER_MINUTE) return socket.close(WS_FLOOD, 'too many frames')
      const msg = parse(data, isBinary)
      const resume = msg?.type === 'resume'
      if (resume) {
        if (++resumes > RESUMES_PER_MINUTE) return socket.close(WS_FLOOD, 'too many resumes')
        // One replay runs and one may wait behind it; more would only replay the same again.
        if (resumesPending >= 2) return bad()
        resumesPending += 1
      }
      chain = chain
        .then(() => onFrame(msg))
        .catch((e: unknown) => fail(e, 'frame'))
        .finally(() => {
          if (resume) resumesPending -= 1
        })
    })
  })
}

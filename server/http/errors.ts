/**
 * Every failure becomes `{ error: { code, message } }` from the catalogue, in the request's
 * language. Bad input is always a coded 4xx; only our own faults are E_INTERNAL.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorCode } from '../../contract/errors.ts'
import { AppError, errorBody, pickLang } from '../errors.ts'

/** Sends a coded error. */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  // Probe 10 #4: a provider retries a suspended company's callback after re-activation, not at once.
  if (err.code === 'E_TENANT_SUSPENDED_RETRY') reply.header('retry-after', '3600')
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .send(errorBody(err.code, pickLang(req.headers['accept-language']), err.details))
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'E_BAD_REQUEST',
  401: 'E_AUTH_REQUIRED',
  403: 'E_FORBIDDEN',
  404: 'E_NOT_FOUND',
  413: 'E_BODY_TOO_LARGE',
  415: 'E_UNSUPPORTED_MEDIA',
  429: 'E_RATE_LIMITED',
}

/** Maps Fastify's own errors (body parsing, limits) and anything else to the catalogue. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err
  const e = err as Partial<FastifyError>
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('E_BODY_TOO_LARGE')
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('E_UNSUPPORTED_MEDIA')
  if (e.code === 'FST_ERR_VALIDATION')
    return new AppError('E_VALIDATION', e.message ? [e.message] : undefined)
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status >= 400 && status < 500) return new AppError(BY_STATUS[status] ?? 'E_BAD_REQUEST')
  return null
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route (a lying chunk
 * size, Content-Length with Transfer-Encoding, `Content-Length: -1`, headers too large, a request
 * timeout) is answered in our coded shape too, not Fastify's `{"error":"Bad Request",…}`.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string },
  socket: import('node:net').Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[
    status
  ]
  const code: ErrorCode = status === 431 ? 'E_BODY_TOO_LARGE' : 'E_BAD_REQUEST'
  const body = JSON.stringify(errorBody(code, 'en'))
  this.log.debug({ code: err.code }, `client fault: ${err.message.slice(0, 100)}`)
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  socket.destroy(err)
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route — a path of broken UTF-8
 * (`%ED%A0%80`, FST_ERR_BAD_URL) or a path parameter over its length (FST_ERR_MAX_PARAM_LENGTH) — is a
 * coded 400 in the request's language, like any other bad input.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  req.log.debug({ code: err.code }, 'router refused the path')
  void sendError(req, reply, new AppError('E_BAD_REQUEST'))
}

/** A connection the client dropped mid-request (an upload aborted, a reset): his doing, not ours. */
const CLIENT_NET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
])
export function isClientAbort(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  return (typeof e?.code === 'string' && CLIENT_NET_CODES.has(e.code)) || e?.message === 'aborted'
}

/** Installs the error handler. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    if (isClientAbort(err)) {
      // One short line, no stack: anyone can abort uploads, and the error log is for our faults.
      const code = (err as { code?: unknown }).code
      req.log.info({ code }, `client fault: ${String((err as { message?: unknown }).message).slice(0, 100)}`)
      return sendError(req, reply, new AppError('E_BAD_REQUEST'))
    }
    const known = toAppError(err)
    if (known) return sendError(req, reply, known)
    req.log.error({ err }, 'unhandled error')
    return sendError(req, reply, new AppError('E_INTERNAL'))
  })
}

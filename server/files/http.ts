/**
 * The HTTP edge of the file store: raw-body upload scopes that stop reading a refused upload, and
 * downloads with Range.
 */
import fs from 'node:fs'
import net from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { parseRange } from './range.ts'
import type { FileStore } from './store.ts'

/**
 * After a refusal the connection is closed, but not at once: closing a socket with unread bytes
 * makes the kernel send RST, and the client may lose the answer it has not read yet. So the answer
 * goes out with `Connection: close` and a FIN, then up to this much more of the body is read and
 * dropped (or for this long) before the socket is destroyed — nginx's lingering close, with a cap.
 */
export const LINGER_BYTES = 256 * 1024
export const LINGER_MS = 2000

/** Ends a connection whose request body was refused without reading more than the linger cap. */
function closeAfterReply(req: FastifyRequest, reply: FastifyReply): void {
  const raw = req.raw
  reply.raw.once('finish', () => {
    const socket = raw.socket
    if (socket.destroyed) return
    let read = 0
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
    raw.on('data', (chunk: Buffer) => {
      read += chunk.length
      if (read > LINGER_BYTES) socket.destroy()
    })
    raw.resume()
  })
}

/**
 * Closes the connection after any error answer sent before the request body was read to its end
 * (a 401 or 404 for a 900 MB upload must not read 900 MB: Node would otherwise drain it to keep
 * the connection alive). Registered on the root app, it covers every route and the 404 handler.
 */
export function closeUnreadOnRefusal(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    // inject() requests have no socket to close (and no `complete`).
    if (!(req.raw.socket instanceof net.Socket)) return payload
    if (reply.statusCode >= 400 && !req.raw.complete && reply.getHeader('connection') !== 'close') {
      reply.header('connection', 'close')
      closeAfterReply(req, reply)
    }
    return payload
  })
}

/**
 * Makes `scope` take raw bodies as streams (routes read them with FileStore.put), closing the
 * connection after a refusal (closeUnreadOnRefusal). Authenticate in an onRequest hook of the
 * scope: the body stays unread (TCP backpressure) until a handler pipes it somewhere.
 */
export function acceptRawUploads(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  closeUnreadOnRefusal(scope)
}

/** What a download needs to know of its file. */
export interface Download {
  tenantId: string
  sha256: string
  type: string
}

/** Sends a stored file, whole or the requested byte range (206; 416 with `bytes *\/size`). */
export async function sendStored(
  req: FastifyRequest,
  reply: FastifyReply,
  store: FileStore,
  file: Download,
): Promise<FastifyReply> {
  const found = await store.stat(file.tenantId, file.sha256)
  if (!found) throw new AppError('E_NOT_FOUND')
  const { size } = found
  const range = parseRange(req.headers.range, size)
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`)
    throw new AppError('E_RANGE')
  }
  reply
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, max-age=3600')
    .header('etag', `"${file.sha256}"`)
    .type(file.type)
  if (!range) return reply.header('content-length', size).send(fs.createReadStream(found.path))
  return reply
    .code(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(fs.createReadStream(found.path, { start: range.start, end: range.end }))
}

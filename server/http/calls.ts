/** /api/calls/* (SPEC C5–C10); the demo site's guest line is in site.ts. */
import fs from 'node:fs'
import type { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { CallListQuery, MissedListQuery, RecordingParam } from '../../contract/calls.ts'
import {
  getCall,
  listCalls,
  listMissed,
  markHandled,
  parseRange,
  recordingFor,
  saveRecording,
  storedPath,
  transferTargetsFor,
} from '../domain/calls/index.ts'
import { AppError } from '../errors.ts'
import { type AppDeps, principal, validate } from './context.ts'

export interface CallRoutesOptions {
  /** DATA_DIR/files: content-addressed recordings. */
  filesDir: string
}

/** Registers the calls routes. */
export function callRoutes(app: FastifyInstance, deps: AppDeps, opts: CallRoutesOptions): void {
  app.get('/api/calls', async (req) => {
    const p = await principal(deps, req)
    return listCalls(deps.db.orm, p.tenantId, p.employeeId, validate(CallListQuery, req.query))
  })

  app.get('/api/calls/missed', async (req) => {
    const p = await principal(deps, req)
    return listMissed(deps.db.orm, p.tenantId, validate(MissedListQuery, req.query))
  })

  app.get('/api/calls/transfer-targets', async (req) => {
    const p = await principal(deps, req)
    return transferTargetsFor(deps.db.orm, p.tenantId, p.employeeId)
  })

  app.get('/api/calls/:id', async (req) => {
    const p = await principal(deps, req)
    const { id } = validate(IdParam, req.params)
    return getCall(deps.db.orm, p.tenantId, p.employeeId, id)
  })

  app.post('/api/calls/missed/:id/handle', async (req) => {
    const p = await principal(deps, req)
    const { id } = validate(IdParam, req.params)
    return markHandled(deps.db, p.tenantId, p.employeeId, id)
  })

  app.get('/api/calls/:id/recording', async (req, reply) => {
    const p = await principal(deps, req)
    const { id } = validate(IdParam, req.params)
    const rec = await recordingFor(deps.db.orm, p.tenantId, id, p.employeeId)
    if (!rec) throw new AppError('E_NOT_FOUND')
    const file = storedPath(opts.filesDir, rec.sha256)
    const size = (await fs.promises.stat(file).catch(() => null))?.size
    if (size === undefined) throw new AppError('E_NOT_FOUND')
    const range = parseRange(req.headers.range, size)
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`)
      throw new AppError('E_RANGE')
    }
    reply
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, max-age=3600')
      .header('etag', `"${rec.sha256}"`)
      .type(rec.type)
    if (!range) return reply.header('content-length', size).send(fs.createReadStream(file))
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1)
      .send(fs.createReadStream(file, { start: range.start, end: range.end }))
  })

  // The upload takes raw audio of any declared type: the domain checks type and magic bytes itself,
  // so a wrong type is E_FILE_TYPE rather than the JSON-only E_UNSUPPORTED_MEDIA.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
    scope.put('/api/calls/recording/:sipCallId', async (req) => {
      const body = req.body as Readable | undefined
      const p = await principal(deps, req).catch((e: unknown) => {
        body?.resume()
        throw e
      })
      const { sipCallId } = validate(RecordingParam, req.params)
      if (!body) throw new AppError('E_FILE_TYPE')
      return saveRecording(deps.db, opts.filesDir, {
        tenantId: p.tenantId,
        employeeId: p.employeeId,
        sipCallId,
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        body,
      })
    })
  })
}

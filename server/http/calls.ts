/** /api/calls/* (SPEC C5–C10); the demo site's guest line is in site.ts. */
import type { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import { CallListQuery, MissedListQuery, RecordingParam } from '../../contract/calls.ts'
import {
  getCall,
  listCalls,
  listMissed,
  markHandled,
  recordDeclined,
  recordingFor,
  saveRecording,
  transferTargetsFor,
} from '../domain/calls/index.ts'
import { AppError } from '../errors.ts'
import { acceptRawUploads, type FileStore, sendStored } from '../files/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

export interface CallRoutesOptions {
  /** DATA_DIR/files: the tenants' files (recordings). */
  files: FileStore
  /** RECORDING_MAX_BYTES unless a test lowers it. */
  recordingMaxBytes?: number | undefined
}

/** Registers the calls routes. */
export function callRoutes(app: FastifyInstance, deps: AppDeps, opts: CallRoutesOptions): void {
  registerScope(app, deps, { auth: 'employee' }, (r) => {
    r.get('/api/calls', async (req, p) =>
      listCalls(deps.db.orm, p.tenantId, p.employeeId, validate(CallListQuery, req.query)),
    )

    r.get('/api/calls/missed', async (req, p) =>
      listMissed(deps.db.orm, p.tenantId, validate(MissedListQuery, req.query)),
    )

    r.get('/api/calls/transfer-targets', async (_req, p) =>
      transferTargetsFor(deps.db.orm, p.tenantId, p.employeeId),
    )

    r.get('/api/calls/:id', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return getCall(deps.db.orm, p.tenantId, p.employeeId, id)
    })

    r.post('/api/calls/missed/:id/handle', async (req, p) => {
      const { id } = validate(IdParam, req.params)
      return markHandled(deps.db, p.tenantId, p.employeeId, id)
    })

    r.post('/api/calls/declined/:sipCallId', async (req, p) => {
      const { sipCallId } = validate(RecordingParam, req.params)
      return recordDeclined(deps.db, p.tenantId, p.employeeId, sipCallId)
    })

    r.get('/api/calls/:id/recording', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      const rec = await recordingFor(deps.db.orm, p.tenantId, id, p.employeeId)
      if (!rec) throw new AppError('E_NOT_FOUND')
      return sendStored(req, reply, opts.files, { tenantId: p.tenantId, sha256: rec.sha256, type: rec.type })
    })
  })

  // The upload takes raw audio of any declared type: the domain checks type and magic bytes itself,
  // so a wrong type is E_FILE_TYPE rather than the JSON-only E_UNSUPPORTED_MEDIA. Who is calling is
  // settled in onRequest, before any of the body is read; a refusal closes the connection.
  registerScope(app, deps, { auth: 'employee', beforeBody: true }, (r) => {
    acceptRawUploads(r.app)
    r.put('/api/calls/recording/:sipCallId', async (req, p) => {
      const { sipCallId } = validate(RecordingParam, req.params)
      const body = req.body as Readable | undefined
      if (!body) throw new AppError('E_FILE_TYPE')
      return saveRecording(deps.db, opts.files, {
        tenantId: p.tenantId,
        employeeId: p.employeeId,
        sipCallId,
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        body,
        maxBytes: opts.recordingMaxBytes,
      })
    })
  })
}

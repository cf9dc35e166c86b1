/**
 * /api/chats/write-first (T10: find the channels that may write first to an address; send) and
 * /api/chats/:id/info (T6: where the client came from). Part of the omnichannel option (A5).
 */
import type { FastifyInstance } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  type ChatInfoResponse,
  type WriteFirstFindResponse,
  WriteFirstFindSchema,
  WriteFirstSchema,
} from '../../contract/channels.ts'
import { chatInfo, findWriteFirst, type WriteFirstResult, writeFirst } from '../domain/chats/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the write-first and request-info routes. */
export function writeFirstRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = () => deps.db.orm

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.get('/api/chats/write-first', async (req, p): Promise<WriteFirstFindResponse> => {
      const { address } = validate(WriteFirstFindSchema, req.query)
      return findWriteFirst(db(), p.tenantId, address)
    })

    r.post('/api/chats/write-first', async (req, p, reply): Promise<WriteFirstResult> => {
      const out = await writeFirst(db(), p, validate(WriteFirstSchema, req.body))
      if (out.created) reply.code(201)
      return out
    })

    r.get('/api/chats/:id/info', async (req, p): Promise<ChatInfoResponse> => {
      const { id } = validate(IdParam, req.params)
      return chatInfo(db(), p, id)
    })
  })
}

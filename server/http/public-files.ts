/**
 * GET /api/public-files/:token/:name — one chat file by a signed, expiring link (files/public-links.ts),
 * for providers that fetch media by URL (Viber). No session: the token is the whole check. A forged
 * token is 404 (nothing says whether a file exists), an expired one 403 E_LINK_EXPIRED. The file is
 * looked up by the token's tenant and id only, and sent as an attachment, never sniffed or rendered.
 */
import type { FastifyInstance } from 'fastify'
import { fileForRead } from '../domain/chats/index.ts'
import { AppError } from '../errors.ts'
import { contentDisposition, type FileStore, sendStored } from '../files/index.ts'
import { publicLinks } from '../files/public-links.ts'
import type { AppDeps } from './context.ts'
import { registerScope } from './scope.ts'

/** Registers the public file link route. */
export function publicFileRoutes(app: FastifyInstance, deps: AppDeps, opts: { files: FileStore }): void {
  const links = publicLinks(deps.secrets.internalSecret)
  registerScope(app, deps, { auth: 'public' }, (r) => {
    r.get('/api/public-files/:token/:name', async (req, _who, reply) => {
      const token = (req.params as { token?: unknown }).token
      const found = typeof token === 'string' ? links.verify(token) : 'forged'
      if (found === 'forged') throw new AppError('E_NOT_FOUND')
      if (found === 'expired') throw new AppError('E_LINK_EXPIRED')
      const f = await fileForRead(deps.db.orm, found.tenantId, found.fileId)
      if (!f) throw new AppError('E_NOT_FOUND')
      reply
        .header('content-disposition', contentDisposition(f.name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
      return sendStored(req, reply, opts.files, { tenantId: f.tenantId, sha256: f.sha256, type: f.type })
    })
  })
}

/** /api/chats/*, /api/files/* (SPEC T2–T4): the operator's side of chats; thin over server/domain/chats. */
import type { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { IdParam } from '../../contract/api.ts'
import {
  type AcceptResponse,
  ChatListQuerySchema,
  type ChatsResponse,
  ChatUploadQuerySchema,
  FileUploadQuerySchema,
  type FileView,
  MessagesQuerySchema,
  type MessagesResponse,
  ReadSchema,
  SendMessageSchema,
  type SendResponse,
  SendStoredFileSchema,
} from '../../contract/chats.ts'
import {
  acceptChat,
  completeChat,
  fileForEmployee,
  getChat,
  listChats,
  markOperatorRead,
  messagesOf,
  openChat,
  sendOperatorFile,
  sendOperatorMessage,
  storeFile,
} from '../domain/chats/index.ts'
import { AppError } from '../errors.ts'
import { acceptRawUploads, contentDisposition, type FileStore, sendStored } from '../files/index.ts'
import { type AppDeps, validate } from './context.ts'
import { registerScope } from './scope.ts'

export interface ChatRoutesOptions {
  files: FileStore
  /** ATTACHMENT_MAX_BYTES unless a test lowers it. */
  attachmentMaxBytes?: number | undefined
}

/** Types a browser may show in place (previews, players); everything else downloads (T4). */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/[a-z0-9.+-]+|video\/mp4)$/

/** Registers the chat and file routes. */
export function chatRoutes(app: FastifyInstance, deps: AppDeps, opts: ChatRoutesOptions): void {
  const db = () => deps.db.orm

  registerScope(app, deps, { auth: 'employee', omni: true }, (r) => {
    r.get('/api/chats', async (req, p): Promise<ChatsResponse> => {
      const q = validate(ChatListQuerySchema, req.query)
      return listChats(db(), p, q.tab, q.before, q.q)
    })

    r.get('/api/chats/:id', async (req, p): Promise<AcceptResponse> => {
      const { id } = validate(IdParam, req.params)
      return { chat: await getChat(db(), p, id) }
    })

    r.get('/api/chats/:id/messages', async (req, p): Promise<MessagesResponse> => {
      const { id } = validate(IdParam, req.params)
      const { before } = validate(MessagesQuerySchema, req.query)
      return messagesOf(db(), p, id, before === undefined ? undefined : Number(before))
    })

    r.post('/api/chats/:id/accept', async (req, p): Promise<AcceptResponse> => {
      const { id } = validate(IdParam, req.params)
      return { chat: await acceptChat(db(), p, id) }
    })

    r.post('/api/chats/:id/open', async (req, p): Promise<AcceptResponse> => {
      const { id } = validate(IdParam, req.params)
      return { chat: await openChat(db(), p, id) }
    })

    r.post('/api/chats/:id/messages', async (req, p): Promise<SendResponse> => {
      const { id } = validate(IdParam, req.params)
      const body = req.body as Record<string, unknown> | null
      // A stored file (a template's attachment) by id, or text.
      if (body && typeof body === 'object' && 'fileId' in body) {
        const m = validate(SendStoredFileSchema, body)
        return sendOperatorMessage(db(), p, id, { ...m, text: m.text ?? '' })
      }
      return sendOperatorMessage(db(), p, id, validate(SendMessageSchema, body))
    })

    r.post('/api/chats/:id/read', async (req, p): Promise<AcceptResponse> => {
      const { id } = validate(IdParam, req.params)
      const { upToN } = validate(ReadSchema, req.body)
      return { chat: await markOperatorRead(db(), p, id, upToN) }
    })

    r.post('/api/chats/:id/complete', async (req, p): Promise<AcceptResponse> => {
      const { id } = validate(IdParam, req.params)
      return { chat: await completeChat(db(), p, id) }
    })

    // Downloads: tenant-scoped, Range for players; a safe name; only images, audio and video inline,
    // never sniffed, and sandboxed should a browser render one anyway.
    r.get('/api/files/:id', async (req, p, reply) => {
      const { id } = validate(IdParam, req.params)
      // Only files in chats he may see, in templates he may use, or his own uploads.
      const f = await fileForEmployee(db(), p, id)
      if (!f) throw new AppError('E_NOT_FOUND')
      reply
        .header('content-disposition', contentDisposition(f.name, INLINE.test(f.type)))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
      return sendStored(req, reply, opts.files, { tenantId: p.tenantId, sha256: f.sha256, type: f.type })
    })
  })

  // Raw uploads: who is calling is settled in onRequest, before any of the body is read; the domain
  // checks the chat, the name's extension and the size before reading, the bytes' type while reading.
  registerScope(app, deps, { auth: 'employee', beforeBody: true, omni: true }, (r) => {
    acceptRawUploads(r.app)
    const body = (req: FastifyRequest) => {
      const b = req.body as Readable | undefined
      if (!b) throw new AppError('E_FILE_TYPE')
      return b
    }

    r.post('/api/chats/:id/files', async (req, p): Promise<SendResponse> => {
      const { id } = validate(IdParam, req.params)
      const q = validate(ChatUploadQuerySchema, req.query)
      return sendOperatorFile(db(), opts.files, p, id, {
        clientMsgId: q.clientMsgId,
        kind: q.kind,
        name: q.name ?? (q.kind === 'voice' ? 'voice' : ''),
        durationMs: q.durationMs === undefined ? null : Number(q.durationMs),
        replyToId: q.replyToId,
        text: q.text,
        body: body(req),
        contentLength: req.headers['content-length'],
        maxBytes: opts.attachmentMaxBytes,
      })
    })

    r.post('/api/files', async (req, p, reply): Promise<FileView> => {
      const { name } = validate(FileUploadQuerySchema, req.query)
      const f = await storeFile(db(), opts.files, {
        tenantId: p.tenantId,
        name,
        kind: 'file',
        body: body(req),
        contentLength: req.headers['content-length'],
        uploadedBy: { employeeId: p.employeeId },
        maxBytes: opts.attachmentMaxBytes,
      })
      reply.code(201)
      return f
    })
  })
}

/**
 * One local stand-in for every messenger provider's send side (tests, e2e, the gateway bench): it
 * answers each provider's send endpoints with the shapes their docs show, serves media the webhooks
 * point at, and records every call so tests can check what went out. No network: base URLs of the
 * test channels point here.
 *
 *   WhatsApp  POST /{phone}/messages, POST /{phone}/media, GET /{media-id} → {url}, GET /media/{id}
 *   Viber     POST /pa/send_message (picture / video / file: the stand-in fetches `media`, as Viber does)
 *   Messenger POST /me/messages
 *   VK        POST /method/messages.send, photos.getMessagesUploadServer → POST /vk-upload/photo →
 *             photos.saveMessagesPhoto, docs.getMessagesUploadServer → POST /vk-upload/doc → docs.save
 *   Avito     POST /token, POST /messenger/v1/accounts/{u}/chats/{c}/messages[/image], POST …/uploadImages
 *   gateway   POST /gateway (the Frontline gateway protocol's outbound URL)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Captured {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: Buffer
  /** The body as JSON, or form fields as an object, when it is one of those. */
  json: Record<string, unknown> | null
  /** What the stand-in answered (the provider's ids of what was sent). */
  answer?: unknown
  /** Viber media: what the stand-in fetched from the message's `media` URL. */
  fetched?: { status: number; type: string | null; disposition: string | null; bytes: Buffer }
  /** A multipart upload's file part (VK upload servers). */
  upload?: { field: string; name: string; type: string; bytes: Buffer }
}

export interface ProviderStandin {
  url: string
  calls: Captured[]
  /** Bytes served at `${url}/media/${id}` (what a webhook's media URL points at). */
  serve(id: string, bytes: Buffer, type: string): string
  /** The next `n` send calls answer `status` (a provider outage or refusal). */
  failNext(status: number, n?: number): void
  /** The next `n` Viber send_message calls (after `skip` that pass) answer HTTP 200 with this `status` (a Viber refusal). */
  viberStatus(status: number, n?: number, skip?: number): void
  /** The next `n` calls of VK `method` answer VK's `error` with this code. */
  vkError(method: string, code: number, n?: number): void
  /** The VK attachment (`photo…` / `doc…`) of an upload, by the id the stand-in gave it. */
  vkUploads: Map<string, NonNullable<Captured['upload']>>
  /** Resolves when a call matching `pred` has arrived (or is already recorded). */
  waitFor(pred: (c: Captured) => boolean): Promise<Captured>
  close(): Promise<void>
}

/** Starts the stand-in on a free loopback port. */
export async function startProviderStandin(): Promise<ProviderStandin> {
  const calls: Captured[] = []
  const media = new Map<string, { bytes: Buffer; type: string }>()
  const waiters: { pred: (c: Captured) => boolean; done: (c: Captured) => void }[] = []
  let failing: { status: number; n: number } | null = null
  const vkErrors = new Map<string, { code: number; n: number }>()
  let viberStatus: { status: number; n: number; skip: number } | null = null
  const vkUploads = new Map<string, NonNullable<Captured['upload']>>()
  /** VK's saved files by the stand-in's upload id. */
  const vkFiles = new Map<string, NonNullable<Captured['upload']> & { docType?: string }>()
  let seq = 0
  let url = ''
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks)
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      const type = req.headers['content-type'] ?? ''
      let parsed: Record<string, unknown> | null = null
      if (type.startsWith('application/json')) parsed = JSON.parse(body.toString('utf8') || 'null')
      else if (type.startsWith('application/x-www-form-urlencoded'))
        parsed = Object.fromEntries(new URLSearchParams(body.toString('utf8')))
      const call: Captured = { method: req.method ?? 'GET', path, headers: req.headers, body, json: parsed }
      const m = /^\/media\/([\w.-]+)$/.exec(path)
      if (req.method === 'GET' && m) {
        const f = media.get(m[1] as string)
        if (!f) return json(res, 404, { error: 'no such media' })
        res.writeHead(200, { 'content-type': f.type, 'content-length': f.bytes.length })
        return res.end(f.bytes)
      }
      const wa = /^\/(wa-media-[\w-]+)$/.exec(path)
      if (req.method === 'GET' && wa) {
        const id = wa[1] as string
        const f = media.get(id)
        if (!f) return json(res, 404, { error: { message: 'Unsupported get request' } })
        return json(res, 200, {
          url: `${url}/media/${id}`,
          mime_type: f.type,
          id,
          messaging_product: 'whatsapp',
        })
      }
      const reply = (status: number, body: unknown) => {
        call.answer = body
        json(res, status, body)
      }
      // VK upload servers: multipart bodies, read the way a server reads them.
      const up = /^\/vk-upload\/(photo|doc)$/.exec(path)
      let uploadId = ''
      if (req.method === 'POST' && up) {
        const form = await new Response(new Uint8Array(body), {
          headers: { 'content-type': type },
        })
          .formData()
          .catch(() => null)
        const field = up[1] === 'photo' ? 'photo' : 'file'
        const part = form?.get(field)
        if (part instanceof Blob) {
          uploadId = String(++seq)
          call.upload = {
            field,
            name: (part as File).name ?? '',
            type: part.type,
            bytes: Buffer.from(await part.arrayBuffer()),
          }
          const docType = new URL(req.url ?? '/', 'http://x').searchParams.get('type') ?? 'doc'
          vkFiles.set(uploadId, { ...call.upload, docType })
        }
      }
      if (path === '/pa/send_message' && ['picture', 'video', 'file'].includes(String(parsed?.type))) {
        // Viber fetches the media from its URL before it answers (bot API: media by public URL).
        try {
          const got = await fetch(String(parsed?.media))
          call.fetched = {
            status: got.status,
            type: got.headers.get('content-type'),
            disposition: got.headers.get('content-disposition'),
            bytes: Buffer.from(await got.arrayBuffer()),
          }
        } catch {
          call.fetched = { status: 0, type: null, disposition: null, bytes: Buffer.alloc(0) }
        }
      }
      calls.push(call)
      for (const w of waiters.splice(0)) {
        if (w.pred(call)) w.done(call)
        else waiters.push(w)
      }
      if (failing && failing.n > 0) {
        failing.n--
        return reply(failing.status, { error: { message: 'stand-in failure', code: failing.status } })
      }
      if (up) {
        if (!uploadId) return reply(200, { error: 'no file part' })
        if (up[1] === 'photo')
          return reply(200, {
            server: 840123,
            photo: JSON.stringify([{ id: uploadId }]),
            hash: `hash${uploadId}`,
          })
        return reply(200, { file: `file|${uploadId}` })
      }
      const n = ++seq
      if (/^\/[\w-]+\/messages$/.test(path) && !path.startsWith('/me/'))
        return reply(200, {
          messaging_product: 'whatsapp',
          contacts: [{ input: (parsed as { to?: string })?.to, wa_id: (parsed as { to?: string })?.to }],
          messages: [{ id: `wamid.standin${n}` }],
        })
      if (/^\/[\w-]+\/media$/.test(path)) return reply(200, { id: `wa-upload-${n}` })
      if (path === '/pa/send_message') {
        if (viberStatus && viberStatus.skip > 0) viberStatus.skip--
        else if (viberStatus && viberStatus.n > 0) {
          viberStatus.n--
          return reply(200, { status: viberStatus.status, status_message: 'stand-in refusal' })
        }
        if (call.fetched && call.fetched.status !== 200)
          return reply(200, { status: 3, status_message: 'badData: media could not be fetched' })
        if (parsed?.type === 'file' && (parsed.size !== call.fetched?.bytes.length || !parsed.file_name))
          return reply(200, { status: 3, status_message: 'badData: size and file_name required' })
        return reply(200, { status: 0, status_message: 'ok', message_token: 5000000000000000000 + n })
      }
      const vk = /^\/method\/([\w.]+)$/.exec(path)?.[1]
      const vkErr = vk ? vkErrors.get(vk) : undefined
      if (vk && vkErr && vkErr.n > 0) {
        vkErr.n--
        return reply(200, {
          error: { error_code: vkErr.code, error_msg: 'stand-in error', request_params: [] },
        })
      }
      if (vk === 'photos.getMessagesUploadServer')
        return reply(200, { response: { upload_url: `${url}/vk-upload/photo`, album_id: -64, group_id: 1 } })
      if (vk === 'docs.getMessagesUploadServer')
        return reply(200, {
          response: {
            upload_url: `${url}/vk-upload/doc?type=${encodeURIComponent(String(parsed?.type ?? 'doc'))}`,
          },
        })
      if (vk === 'photos.saveMessagesPhoto') {
        const id = (JSON.parse(String(parsed?.photo ?? '[]')) as { id?: string }[])[0]?.id ?? ''
        const f = vkFiles.get(id)
        if (!f || parsed?.hash !== `hash${id}`)
          return reply(200, {
            error: {
              error_code: 100,
              error_msg: 'One of the parameters specified was missing or invalid: photo is undefined',
            },
          })
        vkUploads.set(`photo-1_${id}`, f)
        return reply(200, {
          response: [
            { album_id: -64, date: 1, id: Number(id), owner_id: -1, access_key: `ak${id}`, sizes: [] },
          ],
        })
      }
      if (vk === 'docs.save') {
        const id = /^file\|(\d+)$/.exec(String(parsed?.file))?.[1] ?? ''
        const f = vkFiles.get(id)
        if (!f)
          return reply(200, {
            error: {
              error_code: 100,
              error_msg: 'One of the parameters specified was missing or invalid: file is undefined',
            },
          })
        vkUploads.set(`doc-1_${id}`, f)
        // docs.save answers with the type the upload server was asked for.
        const kind = f.docType === 'audio_message' ? 'audio_message' : 'doc'
        return reply(200, {
          response: {
            type: kind,
            [kind]: { id: Number(id), owner_id: -1, title: parsed?.title, size: f.bytes.length },
          },
        })
      }
      if (path === '/me/messages') return reply(200, { recipient_id: 'psid', message_id: `m_standin${n}` })
      if (path === '/method/messages.send') return reply(200, { response: 100 + n })
      if (/^\/messenger\/v1\/accounts\/[\w-]+\/uploadImages$/.test(path))
        return reply(200, { [`img-${n}`]: { '1280x960': `${url}/media/img-${n}` } })
      if (/^\/messenger\/v1\/accounts\/[\w-]+\/chats\/[\w~:-]+\/messages(\/image)?$/.test(path))
        return reply(200, { id: `av-${n}`, created: Math.floor(Date.now() / 1000), direction: 'out' })
      if (path === '/gateway') return reply(200, { id: `gw-${n}` })
      if (path === '/token')
        return reply(200, { access_token: `avito-oauth-${n}`, expires_in: 86400, token_type: 'Bearer' })
      reply(404, { error: 'unknown endpoint' })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    calls,
    serve(id, bytes, type) {
      media.set(id, { bytes, type })
      return `${url}/media/${id}`
    },
    failNext(status, n = 1) {
      failing = { status, n }
    },
    viberStatus(status, n = 1, skip = 0) {
      viberStatus = { status, n, skip }
    },
    vkError(method, code, n = 1) {
      vkErrors.set(method, { code, n })
    },
    vkUploads,
    waitFor(pred) {
      const got = calls.find(pred)
      if (got) return Promise.resolve(got)
      return new Promise((done) => waiters.push({ pred, done }))
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

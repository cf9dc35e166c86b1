/**
 * An operator's file reaches Viber and VK (issue 8, SPEC T1 capability table): Viber fetches it by a
 * signed public link to this server (the stand-in fetches it, as Viber does, and the bytes are
 * compared); VK gets it by its three-step upload (the stand-in reads the multipart body). Files the
 * provider refuses are refused up front (E_CHANNEL_CAPABILITY, the reason in both languages); a
 * forged or expired link opens nothing; another tenant's file cannot be signed.
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobByKey, schema } from '../../db/index.ts'
import { DELIVER_JOB } from '../../domain/chats/index.ts'
import { PUBLIC_LINK_TTL_S, publicLinks } from '../../files/public-links.ts'
import { targets } from '../../test/dbs.ts'
import { auth } from '../../test/fixture.ts'
import { silentOggOpus } from '../telegram/samples.ts'
import { hmacHex } from '../webhooks.ts'
import { gatewayKit, PNG } from './test-kit.ts'

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

describe.each(targets)('operator files to Viber and VK on $name', (target) => {
  const k = gatewayKit(target, {
    viber: (url) => ({ baseUrl: url, authToken: 'viber-auth-token' }),
    vk: (url) => ({ baseUrl: url, accessToken: 'vk-token', confirmation: 'c0nf' }),
  })
  let base = ''
  const saved = process.env.PUBLIC_BASE_URL
  beforeAll(async () => {
    await k.f.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(k.f.app.server.address() as AddressInfo).port}`
    process.env.PUBLIC_BASE_URL = base
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.PUBLIC_BASE_URL
    else process.env.PUBLIC_BASE_URL = saved
  })

  /**
   * A fresh 64-bit message_token, written as digits: a sum in JS numbers (4912661846655238000 + a
   * random) lands on a few hundred doubles, and two tests' messages collided as one provider id.
   */
  const token = () => `49126618${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`
  /** A client's first message on Viber; the chat, accepted by op1. */
  async function viberChat(): Promise<{ chatId: string; sender: string }> {
    const sender = `vb${randomUUID().slice(0, 12)}=`
    const raw = `{"event":"message","timestamp":1457764197627,"message_token":${token()},"sender":{"id":"${sender}","name":"Client"},"message":{"type":"text","text":"hi"}}`
    const r = await k.post(`/api/hooks/viber/${k.ch.viber!.webhookKey}`, raw, {
      'x-viber-content-signature': hmacHex('viber-auth-token', raw),
    })
    expect(r.statusCode, r.body).toBe(200)
    return accepted((await k.chatAt(k.ch.viber!, sender)).chat!.id, sender)
  }
  async function vkChat(): Promise<{ chatId: string; sender: string }> {
    const peer = 2000000 + Math.floor(Math.random() * 1e6)
    const raw = JSON.stringify({
      type: 'message_new',
      secret: k.ch.vk!.secret,
      object: { message: { id: peer, peer_id: peer, from_id: peer, text: 'привет', attachments: [] } },
    })
    expect((await k.post(`/api/hooks/vk/${k.ch.vk!.webhookKey}`, raw)).statusCode).toBe(200)
    return accepted((await k.chatAt(k.ch.vk!, String(peer))).chat!.id, String(peer))
  }
  async function accepted(chatId: string, sender: string) {
    await k.f.app.inject({ method: 'POST', url: `/api/chats/${chatId}/accept`, headers: auth(k.token) })
    return { chatId, sender }
  }
  /** op1 sends a file (with a text) in the chat; the delivery job runs. */
  async function sendFile(chatId: string, name: string, bytes: Buffer, text = '') {
    const r = await k.f.app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&name=${encodeURIComponent(name)}${text ? `&text=${encodeURIComponent(text)}` : ''}`,
      headers: { ...auth(k.token), 'content-type': 'application/octet-stream' },
      payload: bytes,
    })
    await k.f.app.jobs.drain()
    return r
  }
  /** Runs now the retries earlier tests left waiting (a refusal's backoff), so none lands mid-test. */
  async function flushRetries() {
    await k.f.db.orm.update(schema.jobs).set({ runAt: new Date() }).where(eq(schema.jobs.state, 'queued'))
    await k.f.app.jobs.drain()
  }
  const idOf = (r: { json(): unknown }) => (r.json() as { message: { id: string } }).message.id

  it('Viber: an image goes as `picture` with its text, a PDF as `file` with size and file_name — the stand-in fetches the public link and gets the exact bytes', async () => {
    const { chatId, sender } = await viberChat()
    const img = await sendFile(chatId, 'photo.png', PNG, 'Вот фото')
    expect(img.statusCode, img.body).toBe(200)
    const pic = await k.stand.waitFor(
      (c) => c.path === '/pa/send_message' && c.json?.receiver === sender && c.json?.type === 'picture',
    )
    expect(pic.json).toMatchObject({ type: 'picture', text: 'Вот фото', min_api_version: 1 })
    expect(String(pic.json?.media)).toMatch(new RegExp(`^${base}/api/public-files/[\\w-]{70}/photo\\.png$`))
    expect(pic.fetched?.status).toBe(200)
    expect(pic.fetched?.type).toBe('image/png')
    expect(pic.fetched?.bytes.equals(PNG)).toBe(true)
    expect((await k.messageById(idOf(img)))!.externalId).toMatch(/^\d+$/)

    const pdf = await sendFile(chatId, 'Прайс 2026.pdf', PDF, 'Прайс во вложении')
    expect(pdf.statusCode, pdf.body).toBe(200)
    const file = await k.stand.waitFor(
      (c) => c.path === '/pa/send_message' && c.json?.receiver === sender && c.json?.type === 'file',
    )
    expect(file.json).toMatchObject({ type: 'file', size: PDF.length, file_name: 'Прайс 2026.pdf' })
    expect(file.fetched?.bytes.equals(PDF)).toBe(true)
    expect(file.fetched?.type).toBe('application/pdf')
    expect(file.fetched?.disposition).toMatch(/^attachment; .*filename\*=UTF-8''%D0%9F/)
    // The text goes after the file, as its own message (Viber's file message has no text); so does a
    // picture's text longer than its 768-character description.
    const long = 'д'.repeat(769)
    await sendFile(chatId, 'big-caption.png', PNG, long)
    const after = k.stand.calls.filter((c) => c.path === '/pa/send_message' && c.json?.receiver === sender)
    expect(after.map((c) => c.json?.type)).toEqual(['picture', 'file', 'text', 'picture', 'text'])
    expect(after[2]?.json?.text).toBe('Прайс во вложении')
    expect([after[3]?.json?.text, after[4]?.json?.text]).toEqual(['', long])
    expect((await k.messageById(idOf(pdf)))!.delivery).toBe('sent')
  })

  it('Viber without PUBLIC_BASE_URL: the file is not sent and the message says the channel is not set up (not a silent "provider refused")', async () => {
    const { chatId, sender } = await viberChat()
    delete process.env.PUBLIC_BASE_URL
    try {
      const r = await sendFile(chatId, 'photo.png', PNG)
      const id = idOf(r)
      const m = (await k.messageById(id))!
      expect([m.delivery, m.failReason]).toEqual(['failed', 'setup'])
      expect(m.failDetail).toMatch(/PUBLIC_BASE_URL\) is not set: files go only by a link$/)
      expect((await jobByKey(k.f.db.orm, DELIVER_JOB, id))?.lastError).toMatch(/PUBLIC_BASE_URL is not set/)
      expect(k.stand.calls.some((c) => c.json?.receiver === sender)).toBe(false)
    } finally {
      process.env.PUBLIC_BASE_URL = base
    }
  })

  it('Viber refusals: status 6 (unsubscribed) fails the message with its reason; 12 (too many requests) is retried', async () => {
    const { chatId } = await viberChat()
    k.stand.viberStatus(6)
    const refused = idOf(await sendFile(chatId, 'photo.png', PNG))
    expect(await k.messageById(refused)).toMatchObject({
      delivery: 'failed',
      failReason: 'rejected',
      failDetail: 'Viber 6: клиент отписался от бота / the client has unsubscribed from the bot',
    })
    k.stand.viberStatus(12)
    const later = idOf(await sendFile(chatId, 'photo.png', PNG))
    const job = await jobByKey(k.f.db.orm, DELIVER_JOB, later)
    expect([job?.state, job?.attempts, (await k.messageById(later))!.delivery]).toEqual(['queued', 1, 'sent'])
  })

  it('Viber: a file whose text after it failed is retried as the text only — the client never gets the file twice (Viber has no idempotency key)', async () => {
    await flushRetries()
    const { chatId, sender } = await viberChat()
    const mine = () =>
      k.stand.calls
        .filter((c) => c.path === '/pa/send_message' && c.json?.receiver === sender)
        .map((c) => c.json?.type)
    k.stand.viberStatus(12, 1, 1)
    const id = idOf(await sendFile(chatId, 'Прайс.pdf', PDF, 'Прайс во вложении'))
    expect(mine()).toEqual(['file', 'text'])
    expect((await jobByKey(k.f.db.orm, DELIVER_JOB, id))?.state).toBe('queued')
    await k.f.db.orm.update(schema.jobs).set({ runAt: new Date() }).where(eq(schema.jobs.key, id))
    await k.f.app.jobs.drain()
    expect(mine()).toEqual(['file', 'text', 'text'])
    expect((await jobByKey(k.f.db.orm, DELIVER_JOB, id))?.state).toBe('done')
    const m = (await k.messageById(id))!
    expect(m.delivery).toBe('sent')
    expect(m.externalId).toMatch(/^\d+$/)
  })

  it('public links: a forged token is 404, an expired one 403, the name at the end changes nothing, and another tenant cannot sign this file', async () => {
    const { chatId } = await viberChat()
    const id = idOf(await sendFile(chatId, 'doc.pdf', PDF))
    const [row] = await k.f.db.orm.select().from(schema.messages).where(eq(schema.messages.id, id))
    const fileId = row!.fileId!
    const tenantId = row!.tenantId
    const links = publicLinks(k.f.secrets.internalSecret)
    const token = (await links.sign(k.f.db.orm, { tenantId, fileId }))!
    const get = (t: string, name = 'doc.pdf') =>
      k.f.app.inject({ method: 'GET', url: `/api/public-files/${t}/${name}` })
    const ok = await get(token, 'anything.jpg')
    expect(ok.statusCode).toBe(200)
    expect(ok.rawPayload.equals(PDF)).toBe(true)
    expect(ok.headers['content-type']).toBe('application/pdf')
    expect(ok.headers['content-disposition']).toMatch(/^attachment; filename="doc.pdf"/)
    expect(ok.headers['x-content-type-options']).toBe('nosniff')
    // Forged: a flipped MAC byte, another file's id under this MAC, a token of another key, junk.
    const raw = Buffer.from(token, 'base64url')
    const flipped = Buffer.from(raw)
    flipped[raw.length - 1] = (flipped[raw.length - 1] ?? 0) ^ 1
    const swapped = Buffer.from(raw)
    swapped[20] = (swapped[20] ?? 0) ^ 1
    const otherKey = (await publicLinks('another-secret').sign(k.f.db.orm, { tenantId, fileId }))!
    const forged = [flipped, swapped].map((b) => b.toString('base64url'))
    for (const bad of [...forged, otherKey, 'x', `${token}A`, token.slice(0, -1)]) {
      const r = await get(bad)
      expect(r.statusCode, bad).toBe(404)
      expect(r.json()).toMatchObject({ error: { code: 'E_NOT_FOUND' } })
    }
    const old = (await links.sign(
      k.f.db.orm,
      { tenantId, fileId },
      Math.floor(Date.now() / 1000) - PUBLIC_LINK_TTL_S - 5,
    ))!
    const expired = await get(old)
    expect(expired.statusCode).toBe(403)
    expect(expired.json()).toMatchObject({ error: { code: 'E_LINK_EXPIRED' } })
    // Another tenant's id with this file: nothing to sign (and so no link to it).
    expect(await links.sign(k.f.db.orm, { tenantId: k.f.otherTenantId, fileId })).toBeNull()
    expect(await links.sign(k.f.db.orm, { tenantId, fileId: randomUUID() })).toBeNull()
  })

  it('VK: an image by photos.getMessagesUploadServer → upload → saveMessagesPhoto, a PDF by docs.getMessagesUploadServer → upload → docs.save; each sent as the attachment with its text', async () => {
    const { chatId, sender } = await vkChat()
    const img = await sendFile(chatId, 'photo.png', PNG, 'Фото')
    expect(img.statusCode, img.body).toBe(200)
    const server = await k.stand.waitFor(
      (c) => c.path === '/method/photos.getMessagesUploadServer' && c.json?.peer_id === sender,
    )
    expect(server.json).toMatchObject({ access_token: 'vk-token', v: '5.199' })
    const sent = await k.stand.waitFor(
      (c) => c.path === '/method/messages.send' && c.json?.peer_id === sender && c.json?.message === 'Фото',
    )
    const att = String(sent.json?.attachment)
    expect(att).toMatch(/^photo-1_\d+_ak\d+$/)
    const up = k.stand.vkUploads.get(att.replace(/_ak\d+$/, '').replace('photo', 'photo'))
    expect(up?.field).toBe('photo')
    expect(up?.name).toBe('photo.png')
    expect(up?.bytes.equals(PNG)).toBe(true)
    expect((await k.messageById(idOf(img)))!.externalId).toMatch(/^\d+$/)

    const pdf = await sendFile(chatId, 'price.pdf', PDF, 'Прайс')
    expect(pdf.statusCode, pdf.body).toBe(200)
    const docServer = await k.stand.waitFor(
      (c) => c.path === '/method/docs.getMessagesUploadServer' && c.json?.peer_id === sender,
    )
    expect(docServer.json?.type).toBe('doc')
    const docSent = await k.stand.waitFor(
      (c) => c.path === '/method/messages.send' && c.json?.peer_id === sender && c.json?.message === 'Прайс',
    )
    const docAtt = String(docSent.json?.attachment)
    expect(docAtt).toMatch(/^doc-1_\d+$/)
    const doc = k.stand.vkUploads.get(docAtt)
    expect([doc?.field, doc?.name]).toEqual(['file', 'price.pdf'])
    expect(doc?.bytes.equals(PDF)).toBe(true)
    expect(
      k.stand.calls.find((c) => c.path === '/method/docs.save' && c.json?.title === 'price.pdf'),
    ).toBeTruthy()
  })

  it('a voice message: Viber gets it as a `file` (no voice type in its bot API), VK an Ogg one as an audio_message document', async () => {
    const ogg = silentOggOpus(2000)
    const voice = (chatId: string) =>
      k.f.app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/files?clientMsgId=${randomUUID()}&kind=voice&durationMs=2000`,
        headers: { ...auth(k.token), 'content-type': 'audio/ogg' },
        payload: ogg,
      })
    const vb = await viberChat()
    expect((await voice(vb.chatId)).statusCode).toBe(200)
    await k.f.app.jobs.drain()
    const file = await k.stand.waitFor((c) => c.path === '/pa/send_message' && c.json?.receiver === vb.sender)
    expect(file.json).toMatchObject({
      type: 'file',
      size: ogg.length,
      file_name: expect.stringMatching(/\.ogg$/),
    })
    expect(file.fetched?.bytes.equals(ogg)).toBe(true)
    const vk = await vkChat()
    expect((await voice(vk.chatId)).statusCode).toBe(200)
    await k.f.app.jobs.drain()
    const server = await k.stand.waitFor(
      (c) => c.path === '/method/docs.getMessagesUploadServer' && c.json?.peer_id === vk.sender,
    )
    expect(server.json?.type).toBe('audio_message')
    const sent = await k.stand.waitFor(
      (c) => c.path === '/method/messages.send' && c.json?.peer_id === vk.sender,
    )
    const up = k.stand.vkUploads.get(String(sent.json?.attachment))
    expect(up?.bytes.equals(ogg)).toBe(true)
  })

  it('VK errors: a final code (901) fails the message as refused; a rate limit (6) is retried, not failed', async () => {
    const { chatId } = await vkChat()
    k.stand.vkError('messages.send', 901)
    const refused = idOf(await sendFile(chatId, 'photo.png', PNG))
    expect(await k.messageById(refused)).toMatchObject({
      delivery: 'failed',
      failReason: 'rejected',
      failDetail:
        'ВКонтакте / VK 901: клиент не разрешил сообществу писать ему / the client has not allowed the community to message them',
    })
    expect((await jobByKey(k.f.db.orm, DELIVER_JOB, refused))?.lastError).toMatch(
      /901 клиент не разрешил сообществу писать ему/,
    )
    // The operator reads it: the message's view carries the reason beside its class.
    const list = await k.f.app.inject({
      method: 'GET',
      url: `/api/chats/${chatId}/messages`,
      headers: auth(k.token),
    })
    const view = (
      list.json() as { messages: { id: string; failReason?: string; failDetail?: string }[] }
    ).messages.find((x) => x.id === refused)
    expect(view).toMatchObject({
      failReason: 'rejected',
      failDetail: expect.stringMatching(/^ВКонтакте \/ VK 901: /),
    })
    k.stand.vkError('photos.getMessagesUploadServer', 6)
    const later = idOf(await sendFile(chatId, 'photo.png', PNG))
    const job = await jobByKey(k.f.db.orm, DELIVER_JOB, later)
    expect([job?.state, job?.attempts]).toEqual(['queued', 1])
    expect(job?.lastError).toMatch(/vk: 6/)
    expect((await k.messageById(later))!.delivery).toBe('sent')
  })

  it('refused up front with E_CHANNEL_CAPABILITY (422) and the reason in both languages: an mp3 in VK (VK forbids it as a document); nothing is stored or queued', async () => {
    const { chatId } = await vkChat()
    await flushRetries()
    const before = k.stand.calls.length
    const r = await sendFile(chatId, 'song.mp3', Buffer.from('ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000'))
    expect(r.statusCode).toBe(422)
    expect(r.json()).toMatchObject({
      error: {
        code: 'E_CHANNEL_CAPABILITY',
        details: [
          'fileType',
          'провайдер канала запрещает файлы .mp3',
          "the channel's provider forbids .mp3 files",
        ],
      },
    })
    expect(await k.f.db.orm.select().from(schema.files).where(eq(schema.files.name, 'song.mp3'))).toEqual([])
    expect(k.stand.calls.length).toBe(before)
  })
})

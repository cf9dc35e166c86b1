/**
 * The operator's chat routes (T2–T5) over the app: accept race, Accept button, status rule, bad input
 * (NUL, lone surrogate, 10,001 characters, an .exe renamed .jpg, 30 MB + 1 byte), downloads,
 * templates and the admin settings.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ATTACHMENT_MAX_BYTES,
  type ChatsResponse,
  type ChatView,
  type MessagesResponse,
  type SendResponse,
  type TemplateView,
} from '../../contract/chats.ts'
import type { ServerMessage } from '../../contract/events.ts'
import { schema } from '../db/index.ts'
import { addClientMessage, openClientChat } from '../domain/chats/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(200, 9),
])
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]), Buffer.alloc(300, 0)])
const WEBM = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(300, 7)])

describe.each(targets)('chat routes on $name', (target) => {
  let f: Fixture
  let tenantId: string
  const tok: Record<string, string> = {}
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    f = await makeFixture(target)
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    for (const login of ['admin', 'supervisor', 'op1', 'op2', 'op3', 'op4']) {
      const r = await f.login(`${login}@demo`)
      tok[login] = r.token
      ids[login] = r.me.id
      await f.app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(r.token),
        payload: { status: 'available' },
      })
    }
  }, 120_000)
  afterAll(() => f?.close())

  const call = (login: string, method: string, url: string, payload?: unknown) =>
    f.app.inject({
      method: method as 'GET',
      url,
      headers: auth(tok[login] as string),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
  async function newChat(text = 'Здравствуйте') {
    const visitorId = randomUUID()
    const c = await openClientChat(f.db.orm, tenantId, { channel: 'webchat', visitorId, clientName: 'Гость' })
    await addClientMessage(f.db.orm, tenantId, { chatId: c.id, clientMsgId: randomUUID(), text, visitorId })
    return c.id
  }
  async function activeChat(login = 'op1') {
    const id = await newChat()
    expect((await call(login, 'POST', `/api/chats/${id}/accept`)).statusCode).toBe(200)
    return id
  }
  const upload = (
    login: string,
    chatId: string,
    query: string,
    payload: Buffer,
    type = 'application/octet-stream',
  ) =>
    f.app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/files?${query}`,
      headers: { ...auth(tok[login] as string), 'content-type': type },
      payload,
    })

  it('T2/T3: two operators accept at once → one 200, one 409 E_CHAT_TAKEN naming the winner; New clears for the loser', async () => {
    const id = await newChat()
    const before = (await call('op2', 'GET', '/api/chats?tab=new')).json() as ChatsResponse
    expect(before.chats.map((c) => c.id)).toContain(id)
    const [a, b] = await Promise.all([
      call('op1', 'POST', `/api/chats/${id}/accept`),
      call('op2', 'POST', `/api/chats/${id}/accept`),
    ])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409])
    const win = (a.statusCode === 200 ? a : b).json() as { chat: ChatView }
    const lose = (a.statusCode === 200 ? b : a).json() as { error: { code: string; details: string[] } }
    expect(lose.error.code).toBe('E_CHAT_TAKEN')
    expect(lose.error.details).toEqual([win.chat.assigneeName])
    for (const op of ['op1', 'op2']) {
      const list = (await call(op, 'GET', '/api/chats?tab=new')).json() as ChatsResponse
      expect(list.chats.map((c) => c.id)).not.toContain(id)
    }
  })

  it('S1/S5: an operator in Off work cannot take a chat (409 E_STATUS_FORBIDS); in Break he can', async () => {
    const id = await newChat()
    const set = (status: string) => call('op2', 'PUT', '/api/me/status', { status })
    await set('off_work')
    const r = await call('op2', 'POST', `/api/chats/${id}/accept`)
    expect(r.statusCode).toBe(409)
    expect(r.json()).toMatchObject({ error: { code: 'E_STATUS_FORBIDS' } })
    await set('break')
    expect((await call('op2', 'POST', `/api/chats/${id}/accept`)).statusCode).toBe(200)
    await set('available')
  })

  it("T3: the admin turns an operator's Accept button off → opening takes the chat; operators may not change it", async () => {
    expect(
      (await call('op1', 'PATCH', `/api/admin/employees/${ids.op2}`, { acceptButton: false })).statusCode,
    ).toBe(403)
    const r = await call('admin', 'PATCH', `/api/admin/employees/${ids.op2}`, { acceptButton: false })
    expect(r.json()).toMatchObject({ id: ids.op2, acceptButton: false })
    const id = await newChat()
    const opened = (await call('op2', 'POST', `/api/chats/${id}/open`)).json() as { chat: ChatView }
    expect(opened.chat).toMatchObject({ state: 'active', assigneeId: ids.op2 })
    await call('admin', 'PATCH', `/api/admin/employees/${ids.op2}`, { acceptButton: true })
    const other = await newChat()
    expect(
      ((await call('op2', 'POST', `/api/chats/${other}/open`)).json() as { chat: ChatView }).chat.state,
    ).toBe('new')
  })

  it('T4: reply, reply-to, retry by clientMsgId gets the same message; history pages; complete ends it for the client', async () => {
    const id = await activeChat()
    const first = (await call('op1', 'GET', `/api/chats/${id}/messages`)).json() as MessagesResponse
    expect(first.messages).toHaveLength(1)
    const clientMsgId = randomUUID()
    const body = { clientMsgId, text: 'Чем помочь? <b>ок</b>', replyToId: first.messages[0]!.id }
    const a = await call('op1', 'POST', `/api/chats/${id}/messages`, body)
    const b = await call('op1', 'POST', `/api/chats/${id}/messages`, body)
    expect(a.statusCode).toBe(200)
    const ma = (a.json() as SendResponse).message
    expect((b.json() as SendResponse).message).toEqual(ma)
    expect(ma).toMatchObject({
      n: 2,
      text: 'Чем помочь? <b>ок</b>',
      replyToId: first.messages[0]!.id,
      author: 'operator',
    })
    // Another operator may not write in it.
    expect(
      (await call('op2', 'POST', `/api/chats/${id}/messages`, { clientMsgId: randomUUID(), text: 'x' }))
        .statusCode,
    ).toBe(404)
    const read = (await call('op1', 'POST', `/api/chats/${id}/read`, { upToN: 2 })).json() as {
      chat: ChatView
    }
    expect(read.chat.operatorReadN).toBe(2)
    const done = (await call('op1', 'POST', `/api/chats/${id}/complete`)).json() as { chat: ChatView }
    expect(done.chat.state).toBe('completed')
    const after = await call('op1', 'POST', `/api/chats/${id}/messages`, {
      clientMsgId: randomUUID(),
      text: 'x',
    })
    expect(after.statusCode).toBe(409)
    expect(after.json()).toMatchObject({ error: { code: 'E_CHAT_CLOSED' } })
    const completed = (await call('op1', 'GET', '/api/chats?tab=completed')).json() as ChatsResponse
    expect(completed.chats[0]?.id).toBe(id)
  })

  it('bad input: NUL, a lone surrogate, 10,001 characters → 400; nothing stored', async () => {
    const id = await activeChat()
    for (const text of ['a\u0000b', 'a\ud800b', 'я'.repeat(10_001)]) {
      const r = await call('op1', 'POST', `/api/chats/${id}/messages`, { clientMsgId: randomUUID(), text })
      expect(r.statusCode, JSON.stringify(text.slice(0, 5))).toBe(400)
      expect(r.json()).toMatchObject({ error: { code: 'E_VALIDATION' } })
    }
    expect(
      (
        await call('op1', 'POST', `/api/chats/${id}/messages`, {
          clientMsgId: randomUUID(),
          text: 'я'.repeat(10_000),
        })
      ).statusCode,
    ).toBe(200)
    const page = (await call('op1', 'GET', `/api/chats/${id}/messages`)).json() as MessagesResponse
    expect(page.messages).toHaveLength(2)
    // Another tenant's chat id, and a made-up one: 404.
    const [theirs] = await f.db.orm
      .insert(schema.chats)
      .values({ tenantId: f.otherTenantId, channel: 'webchat', state: 'new' })
      .returning()
    expect((await call('op1', 'GET', `/api/chats/${theirs!.id}`)).statusCode).toBe(404)
    expect((await call('admin', 'POST', `/api/chats/${theirs!.id}/accept`)).statusCode).toBe(404)
    expect((await call('op1', 'GET', `/api/chats/${randomUUID()}/messages`)).statusCode).toBe(404)
  })

  it('T4 files: a PNG and a voice message are stored and downloadable; an .exe renamed .jpg → 415; .exe → 415', async () => {
    const id = await activeChat()
    const png = await upload(
      'op1',
      id,
      `clientMsgId=${randomUUID()}&name=${encodeURIComponent('../../фото\u202Egpj.png')}`,
      PNG,
      'image/png',
    )
    expect(png.statusCode).toBe(200)
    const pm = (png.json() as SendResponse).message
    expect(pm).toMatchObject({
      kind: 'file',
      file: { name: 'фотоgpj.png', type: 'image/png', size: PNG.length },
    })
    const voice = await upload(
      'op1',
      id,
      `clientMsgId=${randomUUID()}&kind=voice&durationMs=3200`,
      WEBM,
      'audio/webm',
    )
    expect((voice.json() as SendResponse).message).toMatchObject({
      kind: 'voice',
      file: { type: 'audio/webm', durationMs: 3200 },
    })
    expect((await upload('op1', id, `clientMsgId=${randomUUID()}&kind=voice`, WEBM)).statusCode).toBe(400)
    for (const name of ['photo.jpg', 'notes.txt', 'setup.exe', 'noext']) {
      const r = await upload('op1', id, `clientMsgId=${randomUUID()}&name=${name}`, EXE)
      expect(r.statusCode, name).toBe(415)
      expect(r.json()).toMatchObject({ error: { code: 'E_FILE_TYPE' } })
    }
    const dl = await call('op1', 'GET', `/api/files/${pm.file!.id}`)
    expect(dl.statusCode).toBe(200)
    expect(dl.rawPayload.equals(PNG)).toBe(true)
    expect(dl.headers['content-type']).toBe('image/png')
    expect(dl.headers['x-content-type-options']).toBe('nosniff')
    expect(dl.headers['content-disposition']).toBe(
      `inline; filename="____gpj.png"; filename*=UTF-8''${encodeURIComponent('фотоgpj.png')}`,
    )
    const part = await f.app.inject({
      url: `/api/files/${pm.file!.id}`,
      headers: { ...auth(tok.op1 as string), range: 'bytes=0-7' },
    })
    expect(part.statusCode).toBe(206)
    expect(part.rawPayload.equals(PNG.subarray(0, 8))).toBe(true)
    // A text file downloads as an attachment, never inline.
    const txt = await upload(
      'op1',
      id,
      `clientMsgId=${randomUUID()}&name=${encodeURIComponent('<script>.txt')}`,
      Buffer.from('<script>alert(1)</script>'),
    )
    const tf = (txt.json() as SendResponse).message.file!
    const tdl = await call('op1', 'GET', `/api/files/${tf.id}`)
    expect(tdl.headers['content-disposition']).toMatch(/^attachment; /)
    expect(tdl.headers['content-type']).toMatch(/^text\/plain/)
  })

  it('T4: a file of 30 MB + 1 byte → 413 E_FILE_TOO_LARGE, nothing stored (no row, no bytes, no message)', async () => {
    const id = await activeChat()
    const countFiles = async () => (await f.db.orm.select().from(schema.files)).length
    const stored = () =>
      fs.readdirSync(path.join(f.dir, 'files'), { recursive: true, encoding: 'utf8' }).length
    const [rows, onDisk] = [await countFiles(), stored()]
    const big = Buffer.alloc(ATTACHMENT_MAX_BYTES + 1, 1)
    PNG.copy(big)
    const r = await upload('op1', id, `clientMsgId=${randomUUID()}&name=big.png`, big, 'image/png')
    expect(r.statusCode).toBe(413)
    expect(r.json()).toMatchObject({ error: { code: 'E_FILE_TOO_LARGE' } })
    expect(await countFiles()).toBe(rows)
    expect(stored()).toBe(onDisk)
    const page = (await call('op1', 'GET', `/api/chats/${id}/messages`)).json() as MessagesResponse
    expect(page.messages).toHaveLength(1)
  })

  it("T5: personal templates are the owner's; shared ones reach only the allowed operators; attachments are the tenant's files", async () => {
    const mine = await call('op1', 'POST', '/api/templates', { name: 'Мой', text: 'Привет' })
    expect(mine.statusCode).toBe(201)
    const t = (mine.json() as { template: TemplateView }).template
    expect(t).toMatchObject({ scope: 'personal', name: 'Мой' })
    expect((await call('op2', 'PATCH', `/api/templates/${t.id}`, { name: 'x', text: 'y' })).statusCode).toBe(
      404,
    )
    expect((await call('op2', 'DELETE', `/api/templates/${t.id}`)).statusCode).toBe(404)
    expect(
      (await call('op1', 'PATCH', `/api/templates/${t.id}`, { name: 'Мой', text: 'Здравствуйте' })).json(),
    ).toMatchObject({ template: { text: 'Здравствуйте' } })
    const up = await f.app.inject({
      method: 'POST',
      url: '/api/files?name=price.png',
      headers: { ...auth(tok.admin as string), 'content-type': 'image/png' },
      payload: PNG,
    })
    expect(up.statusCode).toBe(201)
    const fileId = (up.json() as { id: string }).id
    expect((await call('op1', 'POST', '/api/admin/templates', { name: 'x', text: 'y' })).statusCode).toBe(403)
    const shared = await call('admin', 'POST', '/api/admin/templates', {
      name: 'Прайс',
      text: 'Наш прайс',
      attachmentIds: [fileId],
      allowedEmployeeIds: [ids.op1],
    })
    expect(shared.statusCode).toBe(201)
    const s = (shared.json() as { template: TemplateView }).template
    expect(s).toMatchObject({ scope: 'shared', attachments: [{ id: fileId, name: 'price.png' }] })
    const names = async (login: string) =>
      ((await call(login, 'GET', '/api/templates')).json() as { templates: TemplateView[] }).templates.map(
        (x) => x.name,
      )
    expect(await names('op1')).toEqual(expect.arrayContaining(['Мой', 'Прайс']))
    expect(await names('op2')).not.toContain('Прайс')
    expect(await names('op2')).not.toContain('Мой')
    // An attachment from nowhere: 400.
    expect(
      (
        await call('admin', 'PATCH', `/api/admin/templates/${s.id}`, {
          name: 'Прайс',
          text: 'y',
          attachmentIds: [randomUUID()],
        })
      ).statusCode,
    ).toBe(400)
    // The template's file goes into a chat as a message by id.
    const id = await activeChat()
    const sent = await call('op1', 'POST', `/api/chats/${id}/messages`, {
      clientMsgId: randomUUID(),
      fileId,
      text: 'Наш прайс',
    })
    expect((sent.json() as SendResponse).message).toMatchObject({
      kind: 'file',
      file: { id: fileId },
      text: 'Наш прайс',
    })
    expect((await call('admin', 'DELETE', `/api/admin/templates/${s.id}`)).statusCode).toBe(204)
    expect(await names('op1')).not.toContain('Прайс')
  })

  it('audience: a chat of Sales reaches its operators and staff over /api/ws, never an operator of Support', async () => {
    const groups = await f.db.orm.select().from(schema.groups).where(eq(schema.groups.tenantId, tenantId))
    const sales = groups.find((g) => g.name === 'Sales')!.id
    await call('admin', 'PUT', '/api/admin/channels/webchat', { connected: true, groupIds: [sales] })
    const socket = async (login: string) => {
      const ws = await f.app.injectWS('/api/ws')
      const got: ServerMessage[] = []
      ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage))
      const until = async (pred: () => boolean) => {
        const end = Date.now() + 5000
        while (!pred()) {
          if (Date.now() > end) throw new Error(`${login}: ${JSON.stringify(got).slice(0, 500)}`)
          await new Promise((r) => setTimeout(r, 10))
        }
      }
      ws.send(JSON.stringify({ type: 'auth', token: tok[login] }))
      await until(() => got.some((m) => m.kind === 'ready'))
      const ready = got.find((m) => m.kind === 'ready') as { lastSeq: number }
      ws.send(JSON.stringify({ type: 'resume', since: ready.lastSeq }))
      await until(() => got.some((m) => m.kind === 'live'))
      return { ws, got, until }
    }
    const [op1, op4, sup] = [await socket('op1'), await socket('op4'), await socket('supervisor')]
    const id = await newChat('только для продаж')
    await call('op1', 'POST', `/api/chats/${id}/accept`)
    await call('op1', 'POST', `/api/chats/${id}/messages`, { clientMsgId: randomUUID(), text: 'ответ' })
    await call('op1', 'POST', `/api/chats/${id}/complete`)
    // A marker everyone receives, written last: once op4 has it, he would have had the chat's events.
    await call('op4', 'PUT', '/api/me/status', { status: 'break' })
    const chatEvents = (got: ServerMessage[]) =>
      got.filter((m) => m.kind === 'event' && JSON.stringify(m.payload).includes(id))
    for (const c of [op1, op4, sup])
      await c.until(() => c.got.some((m) => m.kind === 'event' && m.type === 'status.changed'))
    expect(chatEvents(op4.got)).toEqual([])
    // Opened, the visitor's message, accepted, the answer, completed (with its system message): one
    // event each — a message carries the chat it changed, no chat.updated after it.
    expect(chatEvents(op1.got).map((m) => m.kind === 'event' && m.type)).toEqual([
      'chat.updated',
      'chat.message',
      'chat.updated',
      'chat.message',
      'chat.message',
    ])
    expect(chatEvents(op1.got).at(-1)).toMatchObject({ payload: { chat: { id, state: 'completed' } } })
    expect(chatEvents(sup.got).length).toBe(chatEvents(op1.got).length)
    for (const c of [op1, op4, sup]) c.ws.terminate()
    await call('op4', 'PUT', '/api/me/status', { status: 'available' })
    await call('admin', 'PUT', '/api/admin/channels/webchat', {
      connected: true,
      groupIds: groups.map((g) => g.id),
    })
  })

  it("admin: the website chat's distribution and connection", async () => {
    const groups = await f.db.orm.select().from(schema.groups).where(eq(schema.groups.tenantId, tenantId))
    const sales = groups.find((g) => g.name === 'Sales')!.id
    expect(
      (await call('op1', 'PUT', '/api/admin/channels/webchat', { connected: true, groupIds: [sales] }))
        .statusCode,
    ).toBe(403)
    expect(
      (
        await call('admin', 'PUT', '/api/admin/channels/webchat', {
          connected: true,
          groupIds: [randomUUID()],
        })
      ).statusCode,
    ).toBe(400)
    const r = await call('admin', 'PUT', '/api/admin/channels/webchat', {
      connected: true,
      groupIds: [sales],
    })
    expect(r.json()).toEqual({ connected: true, groupIds: [sales] })
    const id = await newChat()
    // Sales: op1–op3; Support (op4) no longer sees new chats.
    expect(
      ((await call('op4', 'GET', '/api/chats?tab=new')).json() as ChatsResponse).chats.map((c) => c.id),
    ).not.toContain(id)
    expect(
      ((await call('op1', 'GET', '/api/chats?tab=new')).json() as ChatsResponse).chats.map((c) => c.id),
    ).toContain(id)
    await call('admin', 'PUT', '/api/admin/channels/webchat', { connected: false, groupIds: [sales] })
    await expect(
      openClientChat(f.db.orm, tenantId, { channel: 'webchat', visitorId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'E_CHANNEL_OFF' })
    await call('admin', 'PUT', '/api/admin/channels/webchat', {
      connected: true,
      groupIds: groups.map((g) => g.id),
    })
  })
})

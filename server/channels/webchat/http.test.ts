/**
 * Issue 7 §2: the visitor API end to end on the app — sessions and tokens, his own chat only, bad input
 * kept inert or refused with a code, a flood refused for the flooder alone, and an operator's reply
 * reaching the visitor's socket live.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import type {
  VisitorSendResponse,
  VisitorServerFrame,
  VisitorSessionResponse,
} from '../../../contract/visitor.ts'
import { schema } from '../../db/index.ts'
import { acceptChat, completeChat, sendOperatorMessage } from '../../domain/chats/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { signVisitorToken } from '../visitor-token.ts'

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
])
const page = {
  url: 'https://shop.example/chairs?utm_source=ya&utm_campaign=winter',
  referrer: 'https://ya.ru/',
}
const LIMITS = { perToken: 20, perAddress: 1000, sessionsPerAddress: 1000 }

describe.each(targets)('visitor API on $name', (target) => {
  let f: Fixture
  let demoId: string
  let otherId: string
  const session = async (body: Record<string, unknown> = {}, remoteAddress = '127.0.0.1') => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/session',
      payload: { tenant: 'demo', page, ...body },
      remoteAddress,
    })
    return r
  }
  const newVisitor = async (remoteAddress = '127.0.0.1') =>
    (await session({}, remoteAddress)).json() as VisitorSessionResponse
  const send = (token: string, payload: Record<string, unknown>, remoteAddress = '127.0.0.1') =>
    f.app.inject({
      method: 'POST',
      url: '/api/visitor/messages',
      headers: auth(token),
      payload,
      remoteAddress,
    })
  const upload = (token: string, name: string, body: Buffer, type = 'application/octet-stream') =>
    f.app.inject({
      method: 'POST',
      url: `/api/visitor/files?name=${encodeURIComponent(name)}`,
      headers: { ...auth(token), 'content-type': type },
      payload: body,
    })
  const viewer = async (login: string) => {
    const [e] = await f.db.orm.select().from(schema.employees).where(eq(schema.employees.login, login))
    return { tenantId: e!.tenantId, employeeId: e!.id, role: e!.role }
  }

  beforeAll(async () => {
    f = await makeFixture(target, { visitorLimits: LIMITS })
    const [demo] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    demoId = demo!.id
    otherId = f.otherTenantId
  }, 120_000)
  afterAll(() => f?.close())

  it('a first session makes a visitor with T6 request info; his token renews, and is refused as forged, expired or of another tenant', async () => {
    const s = await newVisitor()
    expect(s.chat).toBeNull()
    expect(s.messages).toEqual([])
    const [row] = await f.db.orm.select().from(schema.visitors).where(eq(schema.visitors.id, s.visitorId))
    expect(row?.tenantId).toBe(demoId)
    expect(row?.requestInfo).toEqual({
      landingPage: page.url,
      referrer: page.referrer,
      utm: { source: 'ya', campaign: 'winter' },
    })
    const again = await session({ token: s.token })
    expect(again.statusCode).toBe(200)
    expect((again.json() as VisitorSessionResponse).visitorId).toBe(s.visitorId)

    const forged = signVisitorToken('not-the-key', { tenantId: demoId, visitorId: s.visitorId }).token
    const expired = signVisitorToken(
      f.secrets.visitorSecret,
      { tenantId: demoId, visitorId: s.visitorId },
      Date.now() - 200 * 24 * 3600 * 1000,
    ).token
    const otherTenant = signVisitorToken(f.secrets.visitorSecret, {
      tenantId: otherId,
      visitorId: s.visitorId,
    }).token
    const unknown = signVisitorToken(f.secrets.visitorSecret, {
      tenantId: demoId,
      visitorId: crypto.randomUUID(),
    }).token
    for (const token of [forged, expired, otherTenant, unknown, 'v1.x.y']) {
      const r = await session({ token })
      expect(r.statusCode, token).toBe(401)
      expect(r.json().error.code).toBe('E_VISITOR_TOKEN')
      const m = await send(token, { clientMsgId: crypto.randomUUID(), text: 'hi' })
      expect(m.statusCode).toBe(401)
      expect(m.json().error.code).toBe('E_VISITOR_TOKEN')
    }
    // An employee's token is no visitor token.
    const op = await f.login('op1@demo')
    expect((await send(op.token, { clientMsgId: crypto.randomUUID(), text: 'hi' })).statusCode).toBe(401)
    // Unknown tenant 404; a tenant without website chat 409 E_CHANNEL_OFF.
    expect((await session({ tenant: 'nobody' })).statusCode).toBe(404)
    const off = await session({ tenant: 'other' })
    expect(off.statusCode).toBe(409)
    expect(off.json().error.code).toBe('E_CHANNEL_OFF')
  })

  it('HTML and script in name and text are stored and returned as the same inert text; a retry is the same message', async () => {
    const s = await newVisitor()
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>'
    const id = crypto.randomUUID()
    const r = await send(s.token, { clientMsgId: id, text: evil, name: `<b>${evil}</b>` })
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    const first = r.json() as VisitorSendResponse
    expect(first.message.text).toBe(evil)
    expect(first.message.author).toBe('client')
    expect(first.chat.state).toBe('new')
    const retry = (await send(s.token, { clientMsgId: id, text: evil })).json() as VisitorSendResponse
    expect(retry.message.id).toBe(first.message.id)
    expect(retry.message.n).toBe(first.message.n)
    const [chat] = await f.db.orm.select().from(schema.chats).where(eq(schema.chats.id, first.chat.id))
    expect(chat?.clientName).toBe(`<b>${evil}</b>`)
    expect(chat?.visitorId).toBe(s.visitorId)
    const again = (await session({ token: s.token })).json() as VisitorSessionResponse
    expect(again.chat?.id).toBe(first.chat.id)
    expect(again.messages.map((m) => m.text)).toEqual([evil])
  })

  it('a name given after the first message reaches the chat (the operator sees who writes)', async () => {
    const s = await newVisitor()
    const first = (
      await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'hi' })
    ).json() as VisitorSendResponse
    await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'it is me', name: 'Ольга' })
    const [chat] = await f.db.orm.select().from(schema.chats).where(eq(schema.chats.id, first.chat.id))
    expect(chat?.clientName).toBe('Ольга')
    const [v] = await f.db.orm.select().from(schema.visitors).where(eq(schema.visitors.id, s.visitorId))
    expect(v?.name).toBe('Ольга')
  })

  it("the demo site's Call us line is noted as the widget visitor's (a forged token links nothing)", async () => {
    const s = await newVisitor()
    const guests = async () =>
      (await f.db.orm.select().from(schema.sipGuests)).map((g) => [g.username, g.visitorId] as const)
    const before = new Set((await guests()).map(([u]) => u))
    for (const visitorToken of [s.token, 'v1.forged.token']) {
      const r = await f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo', visitorToken },
        remoteAddress: '203.0.113.9',
      })
      expect(r.statusCode).toBe(200)
    }
    const added = (await guests()).filter(([u]) => !before.has(u)).map(([, v]) => v)
    expect(added.sort()).toEqual([s.visitorId, null].sort())
  })

  it('bad input → 400: NUL, lone surrogate, over-long text or name, empty message, unknown fields', async () => {
    const s = await newVisitor()
    const bad = [
      { clientMsgId: crypto.randomUUID(), text: 'a\u0000b' },
      { clientMsgId: crypto.randomUUID(), text: 'a\ud800b' },
      { clientMsgId: crypto.randomUUID(), text: 'x'.repeat(10_001) },
      { clientMsgId: crypto.randomUUID(), text: 'hi', name: 'n'.repeat(101) },
      { clientMsgId: crypto.randomUUID(), text: '   ' },
      { clientMsgId: 'not-a-uuid', text: 'hi' },
      { clientMsgId: crypto.randomUUID(), text: 'hi', tenantId: otherId },
    ]
    for (const payload of bad) {
      const r = await send(s.token, payload)
      expect(r.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400)
    }
    const raw = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/messages',
      headers: { ...auth(s.token), 'content-type': 'application/json' },
      payload: '{"clientMsgId":"00000000-0000-4000-8000-000000000001","text":"a\\u0000"}',
    })
    expect(raw.statusCode).toBe(400)
  })

  it('files: path traversal and RTL override in names kept inert, an .exe renamed .jpg → 415, over 30 MB → 413 before stored; only his own files', async () => {
    const s = await newVisitor()
    const up = await upload(s.token, '../../etc/\u202Egnp.exe.png', PNG, 'image/png')
    expect(up.statusCode).toBe(200)
    const file = (up.json() as { file: { id: string; name: string; type: string } }).file
    expect(file.type).toBe('image/png')
    expect(file.name).not.toMatch(/[/\\\u202E]|\.\./)
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)])
    const refused = await upload(s.token, 'photo.jpg', exe, 'image/jpeg')
    expect(refused.statusCode).toBe(415)
    expect(refused.json().error.code).toBe('E_FILE_TYPE')
    const rows = async () =>
      (await f.db.orm.select().from(schema.files).where(eq(schema.files.tenantId, demoId))).length
    const before = await rows()
    const big = await upload(
      s.token,
      'big.png',
      Buffer.concat([PNG, Buffer.alloc(30 * 1024 * 1024)]),
      'image/png',
    )
    expect(big.statusCode).toBe(413)
    expect(big.json().error.code).toBe('E_FILE_TOO_LARGE')
    expect(await rows()).toBe(before)
    const tmp = path.join(f.dir, 'files', demoId, 'tmp')
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([])

    // He sends it and reads it back; another visitor of the same tenant gets 404.
    const m = await send(s.token, { clientMsgId: crypto.randomUUID(), text: '', fileId: file.id })
    expect(m.statusCode).toBe(200)
    const get = await f.app.inject({ url: `/api/visitor/files/${file.id}`, headers: auth(s.token) })
    expect(get.statusCode).toBe(200)
    expect(get.headers['content-type']).toBe('image/png')
    expect(get.headers['content-disposition']).toBe('attachment')
    expect(get.rawPayload.equals(PNG)).toBe(true)
    const stranger = await newVisitor()
    const denied = await f.app.inject({ url: `/api/visitor/files/${file.id}`, headers: auth(stranger.token) })
    expect(denied.statusCode).toBe(404)
    // His message cannot carry a file of another visitor.
    const foreign = await send(stranger.token, {
      clientMsgId: crypto.randomUUID(),
      text: '',
      fileId: file.id,
    })
    expect(foreign.statusCode).toBe(404)
    expect(foreign.json().error.code).toBe('E_NOT_FOUND')
  })

  it('T4 a voice message: uploaded with its length, sent as kind voice, read back with its duration', async () => {
    const s = await newVisitor()
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(300, 9)])
    const up = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/files?name=voice.webm&durationMs=2400&voice=1',
      headers: { ...auth(s.token), 'content-type': 'audio/webm' },
      payload: webm,
    })
    expect(up.statusCode).toBe(200)
    const file = (up.json() as { file: { id: string; durationMs: number | null } }).file
    expect(file.durationMs).toBe(2400)
    const m = (
      await send(s.token, { clientMsgId: crypto.randomUUID(), text: '', fileId: file.id })
    ).json() as VisitorSendResponse
    expect(m.message.kind).toBe('voice')
    expect(m.message.file?.durationMs).toBe(2400)
    // Without its length it is refused (a voice message is played with its duration).
    const bare = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/files?name=voice.webm&voice=1',
      headers: { ...auth(s.token), 'content-type': 'audio/webm' },
      payload: webm,
    })
    expect(bare.statusCode).toBe(400)
  })

  it('a flood from one visitor gets 429 for him only: another visitor meanwhile is served, and nothing accepted is lost', async () => {
    const flooder = await newVisitor('198.51.100.1')
    const calm = await newVisitor('198.51.100.2')
    const ids = Array.from({ length: LIMITS.perToken + 15 }, () => crypto.randomUUID())
    const floodP = Promise.all(
      ids.map((id, i) => send(flooder.token, { clientMsgId: id, text: `flood ${i}` }, '198.51.100.1')),
    )
    const calmP = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        send(calm.token, { clientMsgId: crypto.randomUUID(), text: `calm ${i}` }, '198.51.100.2'),
      ),
    )
    const [flood, calmReplies] = await Promise.all([floodP, calmP])
    const codes = flood.map((r) => r.statusCode)
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0)
    expect(codes.every((c) => c === 200 || c === 429)).toBe(true)
    expect(flood.find((r) => r.statusCode === 429)?.json().error.code).toBe('E_RATE_LIMITED')
    expect(calmReplies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200])
    // Every accepted message is stored, once.
    const accepted = flood
      .filter((r) => r.statusCode === 200)
      .map((r) => (r.json() as VisitorSendResponse).message.clientMsgId)
    const chatId = (flood.find((r) => r.statusCode === 200)!.json() as VisitorSendResponse).chat.id
    const stored = await f.db.orm
      .select({ c: schema.messages.clientMsgId })
      .from(schema.messages)
      .where(and(eq(schema.messages.tenantId, demoId), eq(schema.messages.chatId, chatId)))
    expect(stored.map((x) => x.c).sort()).toEqual([...accepted].sort())
  })

  it('a flooder behind the same address as others (a NAT) is refused alone: his refused requests do not use up the address', async () => {
    const ip = '198.51.100.77'
    const flooder = await newVisitor(ip)
    const calm = await newVisitor(ip)
    // Well past the address budget: every one past his own limit is refused, for him.
    const codes: number[] = []
    for (let i = 0; i < LIMITS.perAddress + 50; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () =>
          f.app.inject({
            method: 'POST',
            url: '/api/visitor/read',
            headers: auth(flooder.token),
            payload: { upToN: 0 },
            remoteAddress: ip,
          }),
        ),
      )
      codes.push(...batch.map((r) => r.statusCode))
    }
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(LIMITS.perAddress - LIMITS.perToken)
    const ok = await send(calm.token, { clientMsgId: crypto.randomUUID(), text: 'still here' }, ip)
    expect(ok.statusCode).toBe(200)
    expect((await session({}, ip)).statusCode).toBe(200)
  })

  it('renewing the token gives no fresh budget: the limit is per visitor, not per token', async () => {
    const ip = '198.51.100.78'
    const s = await newVisitor(ip)
    // Renewed tokens (a session with his token signs a fresh one; here signed a second apart each).
    const tokens = [1, 2, 3, 4].map(
      (i) =>
        signVisitorToken(
          f.secrets.visitorSecret,
          { tenantId: demoId, visitorId: s.visitorId },
          Date.now() - i * 1000,
        ).token,
    )
    expect(new Set(tokens).size).toBe(4)
    const codes: number[] = []
    for (let i = 0; i < LIMITS.perToken + 5; i++)
      codes.push(
        (await send(tokens[i % 4]!, { clientMsgId: crypto.randomUUID(), text: `m${i}` }, ip)).statusCode,
      )
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0)
  })

  it('website chat switched off: an existing visitor can no longer send messages or files (409 E_CHANNEL_OFF)', async () => {
    const s = await newVisitor()
    const admin = await f.login('admin@demo')
    const current = (
      await f.app.inject({ url: '/api/admin/channels/webchat', headers: auth(admin.token) })
    ).json() as { groupIds: string[] }
    const setConnected = async (connected: boolean) => {
      const r = await f.app.inject({
        method: 'PUT',
        url: '/api/admin/channels/webchat',
        headers: auth(admin.token),
        payload: { connected, groupIds: current.groupIds },
      })
      expect(r.statusCode).toBe(200)
    }
    await setConnected(false)
    try {
      const m = await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'anyone?' })
      expect(m.statusCode).toBe(409)
      expect(m.json().error.code).toBe('E_CHANNEL_OFF')
      const up = await upload(s.token, 'a.png', PNG, 'image/png')
      expect(up.statusCode).toBe(409)
      expect(up.json().error.code).toBe('E_CHANNEL_OFF')
    } finally {
      await setConnected(true)
    }
    expect((await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'back' })).statusCode).toBe(200)
  })

  it("files: an operator reads only files of chats he may see, of templates he may use, or his own; he cannot send a visitor's unsent upload; a visitor cannot reuse an operator message's client id", async () => {
    const s = await newVisitor()
    const first = (
      await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'hello' })
    ).json() as VisitorSendResponse
    // The visitor's upload he never sent: in no chat.
    const unsent = (await upload(s.token, 'secret.png', PNG, 'image/png')).json().file.id as string
    const op1 = await f.login('op1@demo')
    const op2 = await f.login('op2@demo')
    const admin = await f.login('admin@demo')
    const get = (token: string, id: string) => f.app.inject({ url: `/api/files/${id}`, headers: auth(token) })
    for (const who of [op1, op2, admin]) expect((await get(who.token, unsent)).statusCode).toBe(404)

    const st = await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(op1.token),
      payload: { status: 'available' },
    })
    expect(st.statusCode).toBe(200)
    const op = await viewer('op1@demo')
    await acceptChat(f.db.orm, op, first.chat.id)
    const sendOp = (fileId: string, clientMsgId = crypto.randomUUID()) =>
      f.app.inject({
        method: 'POST',
        url: `/api/chats/${first.chat.id}/messages`,
        headers: auth(op1.token),
        payload: { clientMsgId, text: 'see this', fileId },
      })
    // Another visitor's upload cannot be attached by the operator.
    const stolen = await sendOp(unsent)
    expect(stolen.statusCode).toBe(404)

    // His own upload: he reads it; op2 does not (not his, not in a chat op2 sees) until… never here.
    const own = await f.app.inject({
      method: 'POST',
      url: '/api/files?name=a.png',
      headers: { ...auth(op1.token), 'content-type': 'image/png' },
      payload: Buffer.concat([PNG, Buffer.from('op1')]),
    })
    expect(own.statusCode).toBe(201)
    const ownId = (own.json() as { id: string }).id
    expect((await get(op1.token, ownId)).statusCode).toBe(200)
    expect((await get(op2.token, ownId)).statusCode).toBe(404)
    const opMsgId = crypto.randomUUID()
    expect((await sendOp(ownId, opMsgId)).statusCode).toBe(200)
    // In a chat the admin may see: he reads it now.
    expect((await get(admin.token, ownId)).statusCode).toBe(200)

    // The visitor reusing the operator message's client id gets 400, not that message.
    const reuse = await send(s.token, { clientMsgId: opMsgId, text: 'mine?' })
    expect(reuse.statusCode).toBe(400)
  })

  it('CORS for the widget on another origin; /widget.js may be loaded cross-origin', async () => {
    const pre = await f.app.inject({
      method: 'OPTIONS',
      url: '/api/visitor/messages',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe('*')
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization')
    const s = await session()
    expect(s.headers['access-control-allow-origin']).toBe('*')
    // No built widget: a coded 404; once built, served for any origin's <script>.
    expect((await f.app.inject({ url: '/widget.js' })).statusCode).toBe(404)
    fs.mkdirSync(path.join(f.dir, 'dist', 'widget'), { recursive: true })
    fs.writeFileSync(path.join(f.dir, 'dist', 'widget', 'widget.js'), '/* widget */')
    const w = await f.app.inject({ url: '/widget.js' })
    expect(w.statusCode).toBe(200)
    expect(w.headers['content-type']).toMatch(/^text\/javascript/)
    expect(w.headers['cross-origin-resource-policy']).toBe('cross-origin')
  })

  it('SPEC T4: the operator accepts and replies → the visitor socket gets it live, with "delivered" back; completing it reaches him too', async () => {
    const s = await newVisitor()
    const first = (
      await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'need a desk' })
    ).json() as VisitorSendResponse
    const ws: WebSocket = await f.app.injectWS('/api/visitor/ws')
    const frames: VisitorServerFrame[] = []
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as VisitorServerFrame))
    const waitFor = async (pred: () => boolean) => {
      const end = Date.now() + 10_000
      while (!pred()) {
        if (Date.now() > end) throw new Error(`visitor ws: ${JSON.stringify(frames).slice(0, 1500)}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    ws.send(JSON.stringify({ type: 'auth', token: s.token }))
    await waitFor(() => frames.some((x) => x.kind === 'ready'))
    ws.send(JSON.stringify({ type: 'resume', afterN: 0 }))
    await waitFor(() => frames.some((x) => x.kind === 'live'))
    expect(
      frames.filter((x) => x.kind === 'message').map((x) => (x.kind === 'message' ? x.message.n : 0)),
    ).toEqual([1])

    const op = await viewer('op1@demo')
    const login = await f.login('op1@demo')
    const st = await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(login.token),
      payload: { status: 'available' },
    })
    expect(st.statusCode).toBe(200)
    await acceptChat(f.db.orm, op, first.chat.id)
    const reply = await sendOperatorMessage(f.db.orm, op, first.chat.id, {
      clientMsgId: crypto.randomUUID(),
      text: '<i>hello</i>',
    })
    await waitFor(() => frames.some((x) => x.kind === 'message' && x.message.id === reply.message.id))
    const got = frames.find((x) => x.kind === 'message' && x.message.id === reply.message.id)
    expect(got?.kind === 'message' && got.message.text).toBe('<i>hello</i>')
    expect(got?.kind === 'message' && got.message.authorName).toBeTruthy()
    const raw = JSON.stringify(frames)
    expect(raw).not.toContain(op.employeeId)
    expect(raw).not.toContain('op1@demo')
    expect(frames.some((x) => x.kind === 'chat' && x.chat.state === 'active' && x.chat.operatorName)).toBe(
      true,
    )

    ws.send(JSON.stringify({ type: 'delivered', upToN: reply.message.n }))
    await waitFor(() => frames.some((x) => x.kind === 'updated' && x.message.id === reply.message.id))
    const [stored] = await f.db.orm
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.id, reply.message.id))
    expect(stored?.delivery).toBe('delivered')

    await completeChat(f.db.orm, op, first.chat.id)
    await waitFor(() => frames.some((x) => x.kind === 'chat' && x.chat.state === 'completed'))
    // He reads it (POST read) and writes again: a new chat.
    expect(
      (
        await f.app.inject({
          method: 'POST',
          url: '/api/visitor/read',
          headers: auth(s.token),
          payload: { upToN: 99 },
        })
      ).statusCode,
    ).toBe(200)
    const next = (
      await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'one more thing' })
    ).json() as VisitorSendResponse
    expect(next.chat.id).not.toBe(first.chat.id)
    expect(next.chat.state).toBe('new')
    await waitFor(() => frames.some((x) => x.kind === 'chat' && x.chat.id === next.chat.id))
    ws.terminate()
  })

  it('numbers past int4 (n is a PostgreSQL integer) are refused as bad input, never a server error', async () => {
    const s = await newVisitor()
    await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'hi' })
    const read = await f.app.inject({
      method: 'POST',
      url: '/api/visitor/read',
      headers: auth(s.token),
      payload: { upToN: 2 ** 31 },
    })
    expect(read.statusCode).toBe(400)
    const ws: WebSocket = await f.app.injectWS('/api/visitor/ws')
    const frames: VisitorServerFrame[] = []
    let closed: number | null = null
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as VisitorServerFrame))
    ws.on('close', (c) => {
      closed = c
    })
    const waitFor = async (pred: () => boolean) => {
      const end = Date.now() + 10_000
      while (!pred()) {
        if (Date.now() > end)
          throw new Error(`visitor ws: ${JSON.stringify(frames).slice(0, 800)} closed=${closed}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    ws.send(JSON.stringify({ type: 'auth', token: s.token }))
    await waitFor(() => frames.some((x) => x.kind === 'ready'))
    ws.send('{"type":"resume","afterN":9007199254740991}')
    ws.send('{"type":"delivered","upToN":2147483648}')
    ws.send('{"type":"ping"}')
    await waitFor(() => frames.some((x) => x.kind === 'pong') || closed !== null)
    expect(closed).toBeNull()
    expect(frames.filter((x) => x.kind === 'error').length).toBe(2)
    ws.terminate()
  })

  it('the visitor socket: at most 5 per visitor (the oldest closes 4409); resumes are not replayed over and over', async () => {
    const s = await newVisitor()
    await send(s.token, { clientMsgId: crypto.randomUUID(), text: 'hi' })
    const openSocket = async () => {
      const ws: WebSocket = await f.app.injectWS('/api/visitor/ws')
      const frames: VisitorServerFrame[] = []
      const c = { ws, frames, closed: null as number | null }
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as VisitorServerFrame))
      ws.on('close', (code) => {
        c.closed = code
      })
      ws.send(JSON.stringify({ type: 'auth', token: s.token }))
      await until(() => frames.some((x) => x.kind === 'ready'))
      return c
    }
    const until = async (pred: () => boolean) => {
      const end = Date.now() + 10_000
      while (!pred()) {
        if (Date.now() > end) throw new Error('visitor ws: condition not met')
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    const socks: Awaited<ReturnType<typeof openSocket>>[] = []
    for (let i = 0; i < 6; i++) socks.push(await openSocket())
    await until(() => socks[0]!.closed !== null)
    expect(socks[0]!.closed).toBe(4409)
    expect(socks.slice(1).map((x) => x.closed)).toEqual([null, null, null, null, null])

    const c = socks[5]!
    for (let i = 0; i < 8; i++) c.ws.send('{"type":"resume","afterN":0}')
    const lives = () => c.frames.filter((x) => x.kind === 'live').length
    const errors = () => c.frames.filter((x) => x.kind === 'error').length
    await until(() => lives() + errors() === 8)
    expect(lives()).toBeLessThanOrEqual(2)
    for (let i = 0; i < 5; i++) c.ws.send('{"type":"resume","afterN":0}')
    await until(() => c.closed !== null)
    expect(c.closed).toBe(4429)
    for (const x of socks) x.ws.terminate()
  })

  it('the visitor socket: a bad first frame or token closes 4401', async () => {
    for (const first of [
      '{"type":"resume","afterN":0}',
      '{"type":"auth","token":"v1.forged.token"}',
      'nonsense',
    ]) {
      const ws: WebSocket = await f.app.injectWS('/api/visitor/ws')
      const code = await new Promise<number>((resolve) => {
        ws.on('close', (c) => resolve(c))
        ws.send(first)
      })
      expect(code, first).toBe(4401)
    }
  })
  it('the visitor socket: hostile frames after auth get an error frame, never a server error; a frame flood closes 4429', async () => {
    const s = await newVisitor()
    const ws: WebSocket = await f.app.injectWS('/api/visitor/ws')
    const frames: VisitorServerFrame[] = []
    let closed: number | null = null
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as VisitorServerFrame))
    ws.on('close', (c) => {
      closed = c
    })
    const waitFor = async (pred: () => boolean) => {
      const end = Date.now() + 10_000
      while (!pred()) {
        if (Date.now() > end)
          throw new Error(`visitor ws: ${JSON.stringify(frames).slice(0, 800)} closed=${closed}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    ws.send(JSON.stringify({ type: 'auth', token: s.token }))
    await waitFor(() => frames.some((x) => x.kind === 'ready'))
    const hostile = [
      '{"type":"resume","afterN":-1}',
      '{"type":"resume","afterN":1e308}',
      '{"type":"delivered","upToN":"1"}',
      '{"type":"auth","token":"again-and-again"}',
      '{"type":"__proto__"}',
      'null',
      '[]',
      '{"type":"read","upToN":1}',
    ]
    for (const h of hostile) ws.send(h)
    ws.send(Buffer.from([0, 1, 2]), { binary: true })
    await waitFor(() => frames.filter((x) => x.kind === 'error').length === hostile.length + 1)
    expect(
      frames.filter((x) => x.kind === 'error').every((x) => x.kind === 'error' && x.code === 'E_BAD_REQUEST'),
    ).toBe(true)
    // Still serving: a ping is answered, a delivered for a chat he does not have yet is a no-op.
    ws.send(JSON.stringify({ type: 'delivered', upToN: 5 }))
    ws.send(JSON.stringify({ type: 'ping' }))
    await waitFor(() => frames.some((x) => x.kind === 'pong'))
    for (let i = 0; i < 300; i++) ws.send('{"type":"ping"}')
    await waitFor(() => closed !== null)
    expect(closed).toBe(4429)
  })
})

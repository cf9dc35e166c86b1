/** Frontline gateway protocol (SMS) (issue 8 §3): webhooks shaped like the provider's documented samples; sends captured by the stand-in. */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { hmacHex } from '../webhooks.ts'
import { frontlineHeaders } from './index.ts'
import { gatewayKit } from './test-kit.ts'

/** An Ogg page's magic and some bytes: what the voice types' sniff reads. */
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(100, 1)]).toString('base64')

describe.each(targets)('Frontline gateway protocol (SMS) on $name', (target) => {
  const k = gatewayKit(target, { sms: (url) => ({ url: `${url}/gateway` }) })
  const path = () => `/api/hooks/gateway/${k.ch.sms!.webhookKey}`
  const signed = (raw: string, now = Date.now(), secret = k.ch.sms!.secret) =>
    frontlineHeaders(secret, raw, now)

  it('takes a signed event once; a bad signature is 401; a replay or a stale timestamp is E_REPLAYED', async () => {
    const phone = `+7916${Math.floor(1e6 + Math.random() * 8e6)}`
    const raw = JSON.stringify({
      type: 'message',
      id: `sms-${randomUUID()}`,
      from: { address: phone, phone },
      text: 'SMS in',
    })
    expect((await k.post(path(), raw, signed(raw, Date.now(), 'wrong'))).statusCode).toBe(401)
    expect((await k.post(path(), raw)).statusCode).toBe(401)
    const stale = await k.post(path(), raw, signed(raw, Date.now() - 6 * 60_000))
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'E_REPLAYED'])
    expect((await k.chatAt(k.ch.sms!, phone)).chat).toBeUndefined()
    const h = signed(raw)
    expect((await k.post(path(), raw, h)).statusCode).toBe(200)
    const again = await k.post(path(), raw, h)
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'E_REPLAYED'])
    // The gateway's own retry (signed anew) of the same message id is stored once.
    expect((await k.post(path(), raw, signed(raw, Date.now() + 1000))).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.sms!, phone)
    expect(ms.map((m) => m.text)).toEqual(['SMS in'])
    const id = await k.reply(chat!.id, 'SMS out')
    const call = await k.stand.waitFor(
      (c) => c.path === '/gateway' && (c.json as { to?: string })?.to === phone,
    )
    const ts = call.headers['x-frontline-timestamp'] as string
    expect(call.headers['x-frontline-signature']).toBe(
      `sha256=${hmacHex(k.ch.sms!.secret, `${ts}.${call.body.toString('utf8')}`)}`,
    )
    expect(call.json).toMatchObject({ type: 'message', id, channel: 'sms', to: phone, text: 'SMS out' })
    const ext = (await k.messageById(id))!.externalId!
    const status = JSON.stringify({ type: 'status', id: ext, state: 'delivered' })
    expect((await k.post(path(), status, signed(status))).statusCode).toBe(200)
    expect((await k.messageById(id))!.delivery).toBe('delivered')
  })

  it('a seen signature sent again with its hex in upper case is still E_REPLAYED', async () => {
    const phone = `+7915${Math.floor(1e6 + Math.random() * 8e6)}`
    const raw = JSON.stringify({
      type: 'message',
      id: `sms-${randomUUID()}`,
      from: { address: phone },
      text: 'x',
    })
    const h = signed(raw)
    expect((await k.post(path(), raw, h)).statusCode).toBe(200)
    const upper = {
      ...h,
      'x-frontline-signature': `sha256=${h['x-frontline-signature']!.slice(7).toUpperCase()}`,
    }
    const again = await k.post(path(), raw, upper)
    expect([again.statusCode, again.json().error?.code]).toEqual([409, 'E_REPLAYED'])
  })

  const sendAs = (body: Record<string, unknown>) => {
    const raw = JSON.stringify({ type: 'message', id: `sms-${randomUUID()}`, ...body })
    return k.post(path(), raw, signed(raw))
  }

  it('bidi and other controls are removed from the client’s name and text', async () => {
    const phone = `+7917${Math.floor(1e6 + Math.random() * 8e6)}`
    const name = 'Ив\u202Eан\u2066 \u200FПетров\u0007\nmal'
    const text = 'счёт\u202Efdp.exe\u200E ok\r\nдва'
    expect((await sendAs({ from: { address: phone, name }, text })).statusCode).toBe(200)
    const { chat, messages: ms } = await k.chatAt(k.ch.sms!, phone)
    expect(chat!.clientName).toBe('Иван Петров mal')
    expect(ms.map((m) => m.text)).toEqual(['счётfdp.exe ok\nдва'])
  })

  it('a message with neither text nor a file is stored as a note, not as ""', async () => {
    const phone = `+7918${Math.floor(1e6 + Math.random() * 8e6)}`
    expect((await sendAs({ from: { address: phone }, text: '' })).statusCode).toBe(200)
    expect((await sendAs({ from: { address: phone } })).statusCode).toBe(200)
    const { messages: ms } = await k.chatAt(k.ch.sms!, phone)
    expect(ms.map((m) => m.text)).toEqual(Array(2).fill('(пустое сообщение / empty message)'))
  })

  it('a file whose name is longer than 255 characters is kept at once under a cut name that keeps its type (was a 500, and the retry an empty 200)', async () => {
    const phone = `+7919${Math.floor(1e6 + Math.random() * 8e6)}`
    // A 1×1 PNG.
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    for (const name of [`${'n'.repeat(296)}.png`, 'x'.repeat(400)]) {
      const res = await sendAs({ from: { address: phone }, text: 'long', file: { name, data: png } })
      expect(res.statusCode, res.body).toBe(200)
    }
    const { messages: ms } = await k.chatAt(k.ch.sms!, phone)
    expect(ms).toHaveLength(2)
    for (const m of ms) expect(m.fileId).not.toBeNull()
    const names = await k.fileNames(ms.map((m) => m.fileId as string))
    for (const n of names) {
      expect([...n].length).toBeLessThanOrEqual(255)
      expect(n.endsWith('.png')).toBe(true)
    }
  })

  it('probe 15 F6: a status without an id or with an unknown state is 400; an address of only invisible characters is 400', async () => {
    for (const body of [
      { type: 'status', id: 'x', state: 'pwned' },
      { type: 'status', state: 'read' },
      { type: 'status' },
    ]) {
      const raw = JSON.stringify(body)
      const r = await k.post(path(), raw, signed(raw))
      expect([r.statusCode, r.json().error.code], raw).toEqual([400, 'E_VALIDATION'])
    }
    for (const address of ['\u200B', '\uFEFF\u2060 ', '\u200C\u200D']) {
      const r = await sendAs({ from: { address }, text: 'x' })
      expect([r.statusCode, r.json().error.code]).toEqual([400, 'E_VALIDATION'])
    }
  })

  it('probe 15 F5: a voice file with an absurd length is kept, its length bounded to a day', async () => {
    const phone = `+7914${Math.floor(1e6 + Math.random() * 8e6)}`
    const res = await sendAs({
      from: { address: phone },
      text: '',
      file: { name: 'v.ogg', type: 'audio/ogg', voice: true, durationMs: 1e308, data: OGG },
    })
    expect(res.statusCode, res.body).toBe(200)
    const { messages: ms } = await k.chatAt(k.ch.sms!, phone)
    expect(ms).toHaveLength(1)
    expect(ms[0]!.kind).toBe('voice')
    const [file] = await k.f.db.orm
      .select({ durationMs: schema.files.durationMs })
      .from(schema.files)
      .where(eq(schema.files.id, ms[0]!.fileId as string))
    expect(file?.durationMs).toBe(86_400_000)
  })

  it("a webhook's answer goes without the browser headers (helmet); the app's answers keep them", async () => {
    const raw = JSON.stringify({
      type: 'message',
      id: `sms-${randomUUID()}`,
      from: { address: '+79165550777' },
      text: 'no headers',
    })
    const r = await k.post(path(), raw, signed(raw))
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-security-policy']).toBeUndefined()
    expect(r.headers['x-frame-options']).toBeUndefined()
    const health = await k.f.app.inject({ method: 'GET', url: '/api/health' })
    expect(health.headers['content-security-policy']).toBeDefined()
    expect(health.headers['x-content-type-options']).toBe('nosniff')
  })
})

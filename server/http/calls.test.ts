import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallDetails, CallPage, RecordingUploaded, TransferTargetView } from '../../contract/calls.ts'
import { schema } from '../db/index.ts'
import { GUEST_LIMITS } from '../domain/calls/index.ts'
import { aor, kamailio, SALES_VN } from '../domain/calls/testkit.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { NUMBERS_PER_ADDRESS } from './site.ts'

const WEBM = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(2000, 7)])
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(100, 1)])

describe.each(targets)('calls API on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  let op1: string
  let op2: string
  let op4: string
  let answered: string
  let missedCall: string
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    op1 = await k.token('op1@demo')
    op2 = await k.token('op2@demo')
    op4 = await k.token('op4@demo')
    await f.db.orm.update(schema.employees).set({ mobile: null })
    for (const i of [1, 2, 3]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
    // A client (the first demo contact) calls Sales from the phone network (its caller ID links the
    // contact; a site guest's typed number would not); op1 answers; it ends.
    const a = await k.route('gateway', SALES_VN, { fromName: '"+7 916 400-00-00"' })
    await k.dialog('answer', a.callId, { answeredBy: aor('101') })
    await k.dialog('end', a.callId)
    answered = a.callId
    // op2 calls op3, declined.
    const b = await k.route('102', '103')
    await k.dialog('failed', b.callId, { code: 486 })
    // Nobody answers another client: missed.
    const c = await k.route(await k.guest(), SALES_VN, { fromName: '+7 903 111-22-33' })
    await k.dialog('failed', c.callId, { code: 487 })
    missedCall = c.callId
  })
  afterAll(() => f.close())

  const get = (url: string, token: string) => f.app.inject({ url, headers: auth(token) })
  const put = (sipCallId: string, token: string, body: Buffer, type = 'audio/webm;codecs=opus') =>
    f.app.inject({
      method: 'PUT',
      url: `/api/calls/recording/${encodeURIComponent(sipCallId)}`,
      headers: { ...auth(token), 'content-type': type },
      payload: body,
    })

  describe('history (C8, C10)', () => {
    it('mine = made or taken by me; all = the tenant; newest first', async () => {
      const mine = (await get('/api/calls?scope=mine', op1)).json() as CallPage
      expect(mine.items.map((c) => c.sipCallId)).toEqual([answered])
      const all = (await get('/api/calls?scope=all', op1)).json() as CallPage
      expect(all.items.map((c) => c.sipCallId)).toEqual([missedCall, expect.any(String), answered])
      const theirs = (await get('/api/calls?scope=mine', op2)).json() as CallPage
      expect(theirs.items[0]).toMatchObject({
        direction: 'internal',
        failureCode: 486,
        failureReason: 'Busy Here',
      })
    })

    it('searches by number digits (any format) and by contact name', async () => {
      const byDigits = (
        await get(`/api/calls?scope=all&q=${encodeURIComponent('(903) 111')}`, op1)
      ).json() as CallPage
      expect(byDigits.items.map((c) => c.sipCallId)).toEqual([missedCall])
      // C8: a part of the number typed with the Russian trunk 8 finds it too.
      for (const typed of ['8 903 111', '8903111']) {
        const byTrunk = (
          await get(`/api/calls?scope=all&q=${encodeURIComponent(typed)}`, op1)
        ).json() as CallPage
        expect(byTrunk.items.map((c) => c.sipCallId)).toEqual([missedCall])
      }
      const first = (await get('/api/calls?scope=all', op1)).json() as CallPage
      const name = first.items.find((c) => c.sipCallId === answered)?.contactName
      expect(name).toBeTruthy()
      const byName = (
        await get(`/api/calls?scope=all&q=${encodeURIComponent(name!.split(' ')[1]!.toLowerCase())}`, op1)
      ).json() as CallPage
      expect(byName.items.map((c) => c.sipCallId)).toEqual([answered])
      expect(((await get('/api/calls?scope=all&q=%25', op1)).json() as CallPage).items).toEqual([])
    })

    it('keyset pages never repeat or skip; bad cursors and limits are 400', async () => {
      const p1 = (await get('/api/calls?scope=all&limit=2', op1)).json() as CallPage
      expect(p1.items).toHaveLength(2)
      const p2 = (await get(`/api/calls?scope=all&limit=2&before=${p1.nextBefore}`, op1)).json() as CallPage
      expect(p2.items.map((c) => c.sipCallId)).toEqual([answered])
      expect(p2.nextBefore).toBeNull()
      for (const q of ['before=zz', 'limit=0', 'limit=x', 'scope=theirs', 'extra=1']) {
        const r = await get(`/api/calls?${q}`, op1)
        expect(r.statusCode, q).toBe(400)
        expect(r.json().error.code).toBe('E_VALIDATION')
      }
    })

    it('a forged cursor (loose date, non-UUID id) is a 400 on both lists, never a 500', async () => {
      const b64 = (s: string) => Buffer.from(s).toString('base64url')
      const good = '2024-05-01T10:00:00.000Z'
      const uuid = '00000000-0000-4000-8000-000000000000'
      for (const raw of [
        '1|00000000-0000-0000-0000-000000000000',
        `${good}|${'-'.repeat(36)}`,
        `${good}|zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz`,
        `2024-13-45T99:00:00.000Z|${uuid}`,
        `2024-02-30T10:00:00.000Z|${uuid}`,
        `Wed, 01 May 2024 10:00:00 GMT|${uuid}`,
        `${good}|${uuid}|x`,
        `+275760-09-13T00:00:00.000Z|${uuid}`,
      ]) {
        for (const url of ['/api/calls?scope=all', '/api/calls/missed?']) {
          const r = await get(`${url}&before=${b64(raw)}`, op1)
          expect(r.statusCode, `${url} ${raw}`).toBe(400)
          expect(r.json().error.code).toBe('E_VALIDATION')
        }
      }
      const ok = await get(`/api/calls?scope=all&before=${b64(`${good}|${uuid}`)}`, op1)
      expect(ok.statusCode).toBe(200)
    })

    it('details: SIP call id, virtual number, contact link; another tenant’s call is 404', async () => {
      const all = (await get('/api/calls?scope=all', op1)).json() as CallPage
      const id = all.items.find((c) => c.sipCallId === answered)!.id
      const d = (await get(`/api/calls/${id}`, op1)).json() as CallDetails
      expect(d).toMatchObject({ sipCallId: answered, virtualNumber: SALES_VN, contactId: expect.any(String) })
      const stranger = (await f.login('op1@other')).token
      expect((await get(`/api/calls/${id}`, stranger)).statusCode).toBe(404)
      expect(((await get('/api/calls?scope=all', stranger)).json() as CallPage).items).toEqual([])
      expect((await get('/api/calls/not-a-uuid', op1)).statusCode).toBe(400)
      expect((await f.app.inject({ url: '/api/calls' })).statusCode).toBe(401)
    })
  })

  describe('missed calls (C9)', () => {
    it('one shared list; marking it handled removes it for everyone and records who', async () => {
      const list = (await get('/api/calls/missed', op4)).json() as CallPage
      const row = list.items.find((c) => c.sipCallId === missedCall)!
      expect(row).toMatchObject({
        missed: true,
        failureReason: 'Cancelled by the caller',
        groupName: 'Sales',
      })
      const r = await f.app.inject({
        method: 'POST',
        url: `/api/calls/missed/${row.id}/handle`,
        headers: auth(op4),
      })
      expect(r.json()).toMatchObject({ handledHow: 'mark', handledByName: expect.any(String) })
      const again = await f.app.inject({
        method: 'POST',
        url: `/api/calls/missed/${row.id}/handle`,
        headers: auth(op1),
      })
      expect(again.json().handledById).toBe(r.json().handledById)
      const after = (await get('/api/calls/missed', op1)).json() as CallPage
      expect(after.items.map((c) => c.id)).not.toContain(row.id)
      const ev = await f.db.orm.select().from(schema.events).where(eq(schema.events.type, 'missed.handled'))
      expect(ev.filter((e) => (e.payload as { callIds: string[] }).callIds.includes(row.id))).toHaveLength(1)
      const stranger = (await f.login('op1@other')).token
      const foreign = await f.app.inject({
        method: 'POST',
        url: `/api/calls/missed/${row.id}/handle`,
        headers: auth(stranger),
      })
      expect(foreign.statusCode).toBe(404)
    })
  })

  describe('recordings', () => {
    it('checks type and magic bytes, not only Content-Type', async () => {
      expect((await put(answered, op1, WEBM, 'text/plain')).json().error.code).toBe('E_FILE_TYPE')
      expect((await put(answered, op1, WEBM, 'application/json')).statusCode).toBe(415)
      const fake = await put(answered, op1, Buffer.from('<html>not audio</html>'))
      expect(fake.statusCode).toBe(415)
      expect(fake.json().error.code).toBe('E_FILE_TYPE')
      expect((await put(answered, op1, WEBM, 'audio/ogg')).statusCode).toBe(415)
    })

    it('refuses more than 50 MB', async () => {
      const big = Buffer.concat([WEBM, Buffer.alloc(50 * 1024 * 1024)])
      const r = await put(answered, op1, big)
      expect(r.statusCode).toBe(413)
      expect(r.json().error.code).toBe('E_FILE_TOO_LARGE')
    })

    it('an oversized recording gets a clean 413 over real HTTP (Content-Length early, or streamed past the limit)', async () => {
      // inject: declared too large, nothing else looked at.
      const declared = await f.app.inject({
        method: 'PUT',
        url: `/api/calls/recording/${encodeURIComponent(answered)}`,
        headers: { ...auth(op1), 'content-type': 'audio/webm', 'content-length': String(60 * 1024 * 1024) },
        payload: WEBM,
      })
      expect(declared.statusCode).toBe(413)
      expect(declared.json().error.code).toBe('E_FILE_TOO_LARGE')
      const address = await f.app.listen({ port: 0, host: '127.0.0.1' })
      const url = `${address}/api/calls/recording/${encodeURIComponent(answered)}`
      const headers = { ...auth(op1), 'content-type': 'audio/webm' }
      // With a Content-Length (fetch sets it for a Buffer body).
      const big = Buffer.concat([WEBM, Buffer.alloc(50 * 1024 * 1024)])
      const withLength = await fetch(url, { method: 'PUT', headers, body: big })
      expect(withLength.status).toBe(413)
      expect(((await withLength.json()) as { error: { code: string } }).error.code).toBe('E_FILE_TOO_LARGE')
      // Chunked, no length: the server notices past 50 MB, drains the rest and still answers 413.
      const chunk = Buffer.alloc(1024 * 1024, 3)
      let sent = 0
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent === 0) c.enqueue(WEBM)
          if (sent++ < 52) c.enqueue(chunk)
          else c.close()
        },
      })
      const chunked = await fetch(url, {
        method: 'PUT',
        headers,
        body: stream,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' })
      expect(chunked.status).toBe(413)
      expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('E_FILE_TOO_LARGE')
      // Nothing left behind in the spool (DATA_DIR/files/<tenant>/tmp).
      const files = path.join(f.dir, 'files')
      const left = fs
        .readdirSync(files, { recursive: true, encoding: 'utf8' })
        .filter((n) => n.endsWith('.part'))
      expect(left).toEqual([])
    })

    it('only a participant; another tenant does not see the call', async () => {
      expect((await put(answered, op2, WEBM)).json().error.code).toBe('E_NOT_PARTICIPANT')
      const stranger = (await f.login('op1@other')).token
      expect((await put(answered, stranger, WEBM)).statusCode).toBe(404)
      expect((await put('no-such-call@x', op1, WEBM)).statusCode).toBe(404)
    })

    it('stores by sha256, idempotent on retry; streams with Range so <audio> can seek', async () => {
      const first = (await put(answered, op1, WEBM)).json() as RecordingUploaded
      const retry = (await put(answered, op1, WEBM)).json() as RecordingUploaded
      expect(retry).toEqual(first)
      expect(first).toMatchObject({ size: WEBM.length, type: 'audio/webm' })
      const rows = await f.db.orm.select().from(schema.callRecordings)
      expect(rows.filter((r) => r.callId === first.callId)).toHaveLength(1)
      const d = (await get(`/api/calls/${first.callId}`, op2)).json() as CallDetails
      expect(d).toMatchObject({ hasRecording: true, recordingType: 'audio/webm' })
      const whole = await get(d.recordingUrl!, op2)
      expect(whole.headers['content-type']).toBe('audio/webm')
      expect(whole.rawPayload.equals(WEBM)).toBe(true)
      const part = await f.app.inject({ url: d.recordingUrl!, headers: { ...auth(op2), range: 'bytes=4-9' } })
      expect(part.statusCode).toBe(206)
      expect(part.headers['content-range']).toBe(`bytes 4-9/${WEBM.length}`)
      expect(part.rawPayload.equals(WEBM.subarray(4, 10))).toBe(true)
      const tail = await f.app.inject({ url: d.recordingUrl!, headers: { ...auth(op2), range: 'bytes=-4' } })
      expect(tail.rawPayload.equals(WEBM.subarray(-4))).toBe(true)
      const bad = await f.app.inject({
        url: d.recordingUrl!,
        headers: { ...auth(op2), range: 'bytes=99999-' },
      })
      expect(bad.statusCode).toBe(416)
      expect((await f.app.inject({ url: d.recordingUrl! })).statusCode).toBe(401)
    })

    it('accepts a recording before the dialog end report (answered call still live)', async () => {
      const a = await k.route('102', '103')
      await k.dialog('answer', a.callId, { answeredBy: aor('103') })
      const r = await put(a.callId, await k.token('op3@demo'), OGG, 'audio/ogg')
      expect(r.statusCode).toBe(200)
      await k.dialog('end', a.callId)
    })
  })

  describe('transfer targets (C7) and site credentials', () => {
    it('everyone shown; those who cannot take a call are not selectable, with the reason', async () => {
      await k.status('op2@demo', 'break')
      const list = (await get('/api/calls/transfer-targets', op1)).json() as TransferTargetView[]
      expect(list.find((t) => t.extension === '102')).toMatchObject({
        kind: 'employee',
        selectable: false,
        reason: 'status',
        status: 'break',
        name: expect.any(String),
      })
      expect(list.find((t) => t.extension === '103')).toMatchObject({ selectable: true, reason: null })
      expect(list.find((t) => t.extension === '101')).toBeUndefined()
      expect(list.find((t) => t.kind === 'group' && t.name === 'Sales')).toMatchObject({ selectable: true })
    })

    it('guest credentials: tenant numbers, domain-bound username, unknown tenant 404, no PBX 409, rate limited', async () => {
      const ok = await f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo' },
      })
      const body = ok.json()
      expect(body.numbers.map((n: { label: string }) => n.label)).toEqual(['Sales', 'Support'])
      expect(body.sip.username).toMatch(/^\d+:guest-[0-9a-f]{12}@demo\.frontline\.local$/)
      const post = (payload: unknown) =>
        f.app.inject({
          method: 'POST',
          url: '/api/site/call-credentials',
          payload: payload as object,
          remoteAddress: '10.7.7.7',
        })
      expect((await post({ tenant: 'nope' })).statusCode).toBe(404)
      expect((await post({ tenant: 'other' })).json().error.code).toBe('E_NO_SOFTPHONE')
      expect((await post({ tenant: 'Bad Slug' })).statusCode).toBe(400)
      let last = 0
      for (let i = 0; i < GUEST_LIMITS.linesPerAddress.max; i++)
        last = (await post({ tenant: 'demo' })).statusCode
      expect(last).toBe(429)
    })

    it('site numbers: the same numbers and name without a line — loading the page never spends the address limit', async () => {
      const post = (payload: unknown) =>
        f.app.inject({
          method: 'POST',
          url: '/api/site/numbers',
          payload: payload as object,
          remoteAddress: '10.7.7.8',
        })
      for (let i = 0; i < GUEST_LIMITS.linesPerAddress.max + 5; i++) {
        const r = await post({ tenant: 'demo' })
        expect(r.statusCode).toBe(200)
        expect(r.json()).toEqual({
          tenantName: expect.any(String),
          numbers: [
            { number: expect.any(String), label: 'Sales' },
            { number: expect.any(String), label: 'Support' },
          ],
        })
      }
      const lines = await f.app.inject({
        method: 'POST',
        url: '/api/site/call-credentials',
        payload: { tenant: 'demo' },
        remoteAddress: '10.7.7.8',
      })
      expect(lines.statusCode).toBe(200)
      expect((await post({ tenant: 'nope' })).statusCode).toBe(404)
      expect((await post({ tenant: 'other' })).json().error.code).toBe('E_NO_SOFTPHONE')
      for (const tenant of ['Bad Slug', 'demo\u0000', '\ud800demo'])
        expect((await post({ tenant })).statusCode).toBe(400)
      expect((await post({ tenant: 'demo', visitorToken: 'x' })).statusCode).toBe(400)
      // A flood of page loads from one network (probe 12 #6): limited per address (an IPv6 /64 is one).
      const v6 = (i: number) =>
        f.app.inject({
          method: 'POST',
          url: '/api/site/numbers',
          payload: { tenant: 'demo' },
          remoteAddress: `2001:db8:7:7::${(i + 1).toString(16)}`,
        })
      const codes: number[] = []
      for (let i = 0; i <= NUMBERS_PER_ADDRESS; i++) codes.push((await v6(i)).statusCode)
      expect(codes.slice(0, NUMBERS_PER_ADDRESS).every((c) => c === 200)).toBe(true)
      expect(codes.at(-1)).toBe(429)
      // Guest lines too: every address of one /64 spends one allowance (probe 12 #2).
      const v6lines: number[] = []
      for (let i = 0; i <= GUEST_LIMITS.linesPerAddress.max; i++)
        v6lines.push(
          (
            await f.app.inject({
              method: 'POST',
              url: '/api/site/call-credentials',
              payload: { tenant: 'demo' },
              remoteAddress: `2001:db8:7:8:${(i + 1).toString(16)}::1`,
            })
          ).statusCode,
        )
      expect(v6lines.at(-2)).toBe(200)
      expect(v6lines.at(-1)).toBe(429)
    })
  })
})

/**
 * Web Push (issue 10 budget "server event → push request at the stand-in"): one app in this process
 * over a fresh PGlite data dir (migrated, demo tenant) with the push-service stand-in of the tests
 * (TLS, VAPID checked, aes128gcm decrypted) as op1's device.
 *
 * - event → push: a client's message opens a New chat (receiveInbound commits the chat and its event);
 *   the clock runs from the commit to the stand-in receiving the encrypted push for that chat — the
 *   spine's NOTIFY, the listener's push.event job, targeting, encryption and the TLS POST. Sequential.
 * - sendPush → push: the direct door the call wake-up uses (no spine, no job), for comparison.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { LoginResponse } from '../contract/api.ts'
import { buildApp } from '../server/app.ts'
import { loadSecrets, openDatabase, schema } from '../server/db/index.ts'
import { receiveInbound } from '../server/domain/chats/index.ts'
import { setStatus } from '../server/domain/status/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { sendPush } from '../server/push/index.ts'
import { Hub } from '../server/realtime/hub.ts'
import { startPushService } from '../server/test/push-service.ts'
import { percentile } from './lib/common.ts'

export interface PushBenchOptions {
  chats: number
  direct: number
}
export const PUSH_DEFAULTS: PushBenchOptions = { chats: 200, direct: 200 }

export interface PushFigures {
  eventP50: number
  eventP99: number
  eventMax: number
  chats: number
  directP50: number
  directP99: number
  direct: number
  /** Every request decrypted and its VAPID JWT valid. */
  allValid: boolean
}

const PASSWORD = 'bench-pass-1'

export async function measurePush(o: Partial<PushBenchOptions> = {}): Promise<PushFigures> {
  const opts = { ...PUSH_DEFAULTS, ...o }
  const svc = await startPushService()
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-push-'))
  const db = await openDatabase({ databaseUrl: null, dataDir: dir })
  const hub = new Hub(db)
  await seedDemo(db, { password: PASSWORD })
  await hub.start()
  const push = { allowPrivate: true, ca: svc.ca }
  const app = await buildApp({
    db,
    secrets: await loadSecrets(db.orm, dir),
    hub,
    sipWsUrl: 'ws://127.0.0.1:8088',
    sipStatus: () => 'unavailable',
    distDir: path.join(dir, 'dist'),
    siteDir: path.join(dir, 'site'),
    filesDir: path.join(dir, 'files'),
    version: 'bench',
    logLevel: 'silent',
    push,
  })
  try {
    await app.ready()
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'op1@demo', password: PASSWORD },
    })
    const op1 = login.json() as LoginResponse
    const tenantId = op1.me.tenantId
    await setStatus(db, tenantId, op1.me.id, 'available')
    const device = svc.subscribe()
    const sub = await app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: { authorization: `Bearer ${op1.token}` },
      payload: { endpoint: device.endpoint, keys: device.keys },
    })
    if (sub.statusCode !== 200) throw new Error(`subscribe: ${sub.statusCode} ${sub.body}`)
    const [channel] = await db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bench bot', connected: true })
      .returning()

    const eventMs: number[] = []
    for (let i = 0; i < opts.chats; i++) {
      const { chat } = await receiveInbound(db.orm, tenantId, {
        channelId: channel!.id,
        clientAddress: `bench:${i}:${randomUUID()}`,
        providerMsgId: randomUUID(),
        clientName: `Клиент ${i}`,
        text: 'Здравствуйте',
      })
      const committed = performance.now()
      const got = await svc.waitFor(
        (q) => q.id === device.id && q.payload?.kind === 'chat' && q.payload.chatId === chat.id,
      )
      eventMs.push(got.at - committed)
    }
    const directMs: number[] = []
    for (let i = 0; i < opts.direct; i++) {
      const callId = randomUUID()
      const t0 = performance.now()
      await sendPush(
        { db, push },
        tenantId,
        [op1.me.id],
        {
          kind: 'call',
          seq: i,
          callId,
          from: '+79160000000',
          fromName: null,
          ringUntil: new Date(Date.now() + 20_000).toISOString(),
        },
        { urgency: 'high', ttl: 20 },
      )
      const got = await svc.waitFor((q) => q.payload?.kind === 'call' && q.payload.callId === callId)
      directMs.push(got.at - t0)
    }
    const r = (x: number) => Math.round(x * 10) / 10
    return {
      eventP50: r(percentile(eventMs, 50)),
      eventP99: r(percentile(eventMs, 99)),
      eventMax: r(Math.max(...eventMs)),
      chats: eventMs.length,
      directP50: r(percentile(directMs, 50)),
      directP99: r(percentile(directMs, 99)),
      direct: directMs.length,
      allValid: svc.requests.every((q) => q.vapidOk && q.payload !== null),
    }
  } finally {
    await app.close()
    await hub.stop()
    await db.close()
    await svc.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export function formatPush(f: PushFigures): string[] {
  return [
    `event → push at the stand-in (new chat, spine + job + encrypt + TLS POST): p50 ${f.eventP50} ms, p99 ${f.eventP99} ms, max ${f.eventMax} ms (${f.chats} chats, sequential)`,
    `sendPush → push at the stand-in (the call wake-up's door): p50 ${f.directP50} ms, p99 ${f.directP99} ms (${f.direct} pushes)`,
    `every request: VAPID JWT valid and body decrypted: ${f.allValid}`,
  ]
}

/**
 * Chat transfer (issue 9 budgets): one app in this process over a fresh PGlite data dir (migrated,
 * demo tenant), listening on a port, with the colleague's app connected to /api/ws.
 *
 * - offer → the colleague's socket: POST /api/chats/:id/transfer sent → the `transfer.updated` frame
 *   naming that offer arrives at op2's socket; p50/p99 over `offers` sequential transfers.
 * - expiry at 1,000 open offers: that many offers made (one per chat) with the tenant's timeout
 *   lowered to `timeoutSec`; nobody answers, so the durable expiry jobs end them. Lateness = the
 *   offer's `decided_at` − its `deadline` (both the database's clock), as a distribution.
 *
 * "Online" is the presence rule's live line: the demo operators' SIP registrations are written into
 * the database (there is no Kamailio here) before the offers.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq, inArray } from 'drizzle-orm'
import WebSocket from 'ws'
import type { LoginResponse } from '../contract/api.ts'
import { buildApp } from '../server/app.ts'
import { loadSecrets, openDatabase, schema } from '../server/db/index.ts'
import { acceptChat, receiveInbound, setChatSettings } from '../server/domain/chats/index.ts'
import { setStatus } from '../server/domain/status/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { Hub } from '../server/realtime/hub.ts'
import { percentile, sleep } from './lib/common.ts'

export interface TransferOptions {
  offers: number
  openOffers: number
  timeoutSec: number
}
// The timeout outlasts making the 1,000 offers (~60 s here), so all of them are open at once.
export const TRANSFER_DEFAULTS: TransferOptions = { offers: 200, openOffers: 1000, timeoutSec: 90 }

export interface TransferFigures {
  offerP50: number
  offerP99: number
  offerMax: number
  offers: number
  expired: number
  open: number
  createSeconds: number
  lateP50: number
  lateP99: number
  lateMax: number
  within1s: number
  /** The most offers open at one moment (made, not yet ended). */
  peakOpen: number
}

const PASSWORD = 'bench-pass-1'

/** Runs both measurements; prints nothing (see formatTransfer). */
export async function measureTransfer(o: Partial<TransferOptions> = {}): Promise<TransferFigures> {
  const opts = { ...TRANSFER_DEFAULTS, ...o }
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-transfer-'))
  const db = await openDatabase({ databaseUrl: null, dataDir: dir })
  const hub = new Hub(db)
  const app = await (async () => {
    await seedDemo(db, { password: PASSWORD })
    await hub.start()
    return buildApp({
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
      jobOptions: { concurrency: 8 },
    })
  })()
  try {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const base = `http://127.0.0.1:${port}`
    const login = async (l: string) =>
      (await (
        await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login: l, password: PASSWORD }),
        })
      ).json()) as LoginResponse
    const op1 = await login('op1@demo')
    const op2 = await login('op2@demo')
    const [tenant] = await db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    const tenantId = tenant!.id
    for (const who of [op1, op2]) {
      await setStatus(db, tenantId, who.me.id, 'available')
      await db.orm
        .insert(schema.sipRegistrations)
        .values({
          tenantId,
          username: who.me.extension,
          contacts: 1,
          expiresAt: new Date(Date.now() + 3600_000),
        })
        .onConflictDoNothing()
    }
    const [channel] = await db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bench bot', connected: true })
      .returning()
    const sender = { tenantId, employeeId: op1.me.id, role: op1.me.role }
    const heldChat = async (i: number) => {
      const { chat } = await receiveInbound(db.orm, tenantId, {
        channelId: channel!.id,
        clientAddress: `bench:${i}:${randomUUID()}`,
        providerMsgId: randomUUID(),
        clientName: `Клиент ${i}`,
        text: 'Здравствуйте',
      })
      await acceptChat(db.orm, sender, chat.id)
      return chat.id
    }

    // The colleague's socket: auth, resume from now, then live frames.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`)
    const arrivals = new Map<string, number>()
    let live: () => void = () => {}
    const isLive = new Promise<void>((r) => {
      live = r
    })
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as {
        kind: string
        type?: string
        payload?: { offer?: { id: string } }
        lastSeq?: number
      }
      if (m.kind === 'ready') ws.send(JSON.stringify({ type: 'resume', since: m.lastSeq ?? 0 }))
      if (m.kind === 'live') live()
      if (m.type === 'transfer.updated' && m.payload?.offer && !arrivals.has(m.payload.offer.id))
        arrivals.set(m.payload.offer.id, performance.now())
    })
    await new Promise<void>((r) => ws.once('open', () => r()))
    ws.send(JSON.stringify({ type: 'auth', token: op2.token }))
    await isLive

    const transfer = async (chatId: string) => {
      const res = await fetch(`${base}/api/chats/${chatId}/transfer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${op1.token}` },
        body: JSON.stringify({ toKind: 'employee', toId: op2.me.id, comment: 'bench', confirm: true }),
      })
      if (!res.ok) throw new Error(`transfer: HTTP ${res.status} ${await res.text()}`)
      return ((await res.json()) as { offer: { id: string } }).offer.id
    }

    // 1. Offer → the colleague's socket.
    const lat: number[] = []
    for (let i = 0; i < opts.offers; i++) {
      const chatId = await heldChat(i)
      const t0 = performance.now()
      const id = await transfer(chatId)
      for (let w = 0; w < 1000 && !arrivals.has(id); w++) await sleep(1)
      const at = arrivals.get(id)
      if (at !== undefined) lat.push(at - t0)
      // Answered at once, so the next offer does not queue behind open ones.
      await fetch(`${base}/api/transfers/${id}/decline`, {
        method: 'POST',
        headers: { authorization: `Bearer ${op2.token}` },
      })
    }

    // 2. 1,000 open offers expiring.
    const admin = (
      await db.orm.select().from(schema.employees).where(eq(schema.employees.login, 'admin@demo'))
    )[0]!
    await setChatSettings(
      db.orm,
      { tenantId, employeeId: admin.id, role: 'admin' },
      {
        transferTimeoutSec: opts.timeoutSec,
        closingText: '',
      },
    )
    const chats: string[] = []
    for (let i = 0; i < opts.openOffers; i++) chats.push(await heldChat(10_000 + i))
    const started = performance.now()
    const ids: string[] = []
    for (const c of chats) ids.push(await transfer(c))
    const createSeconds = (performance.now() - started) / 1000
    const rows = () => db.orm.select().from(schema.chatTransfers).where(inArray(schema.chatTransfers.id, ids))
    for (let w = 0; w < (opts.timeoutSec + 120) * 10; w++) {
      if ((await rows()).every((r) => r.state !== 'offered')) break
      await sleep(100)
    }
    const done = await rows()
    const late = done
      .filter((r) => r.state === 'expired' && r.decidedAt)
      .map((r) => (r.decidedAt as Date).getTime() - r.deadline.getTime())
    ws.close()
    const edges = done.flatMap((r) => [
      [r.createdAt.getTime(), 1],
      [(r.decidedAt ?? new Date()).getTime(), -1],
    ])
    edges.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number))
    let openNow = 0
    let peakOpen = 0
    for (const [, d] of edges) {
      openNow += d as number
      peakOpen = Math.max(peakOpen, openNow)
    }
    return {
      peakOpen,
      offerP50: percentile(lat, 50),
      offerP99: percentile(lat, 99),
      offerMax: Math.max(...lat),
      offers: lat.length,
      expired: late.length,
      open: opts.openOffers,
      createSeconds,
      lateP50: percentile(late, 50),
      lateP99: percentile(late, 99),
      lateMax: Math.max(...late),
      within1s: late.filter((x) => x <= 1000).length,
    }
  } finally {
    await hub.stop()
    await app.close()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The figures as lines. */
export function formatTransfer(f: TransferFigures): string[] {
  const ms = (x: number) => `${x.toFixed(1)} ms`
  return [
    `offer → colleague's socket (${f.offers} offers): p50 ${ms(f.offerP50)}, p99 ${ms(f.offerP99)}, max ${ms(f.offerMax)}`,
    `expiry: ${f.open} offers (made in ${f.createSeconds.toFixed(1)} s, ${f.peakOpen} open at once): ${f.expired} expired; lateness after the deadline p50 ${ms(f.lateP50)}, p99 ${ms(f.lateP99)}, max ${ms(f.lateMax)}; within 1 s: ${f.within1s}/${f.expired}`,
  ]
}

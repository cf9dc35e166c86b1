/** The event spine: after commit, per tenant in seq order, once, on every instance (issue 7 §1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerEvent } from '../../contract/events.ts'
import {
  type Audience,
  announceGroupsChanged,
  appendEvent,
  type Db,
  EVENTS_CHANNEL,
  schema,
  spineEvents,
} from '../db/index.ts'
import { createTenant } from '../domain/tenants/index.ts'
import { type TestDb, targets } from '../test/dbs.ts'
import { Spine, type SpineNotice, type SpineRead } from './spine.ts'

const status = (s: string) => ({ employeeId: 'e', status: s, online: true, at: '' })

describe.each(targets)('event spine on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenant: string
  let other: string
  beforeAll(async () => {
    t = await target.open()
    db = t.db
    const mk = (slug: string) =>
      createTenant(db.orm, {
        name: slug,
        slug,
        sipDomain: `${slug}.test`,
        seats: 1,
        features: { softphone: false, omni: false },
      })
    tenant = await mk('spine-a')
    other = await mk('spine-b')
  })
  afterAll(() => t.dispose())

  const append = (tn: string, s: string, audience: Audience | null = null) =>
    db.orm.transaction((tx) => appendEvent(tx, tn, 'status.changed', status(s), audience))

  /** Polls until `done()` (on PostgreSQL the NOTIFY arrives on another connection, after commit). */
  async function until(spine: Spine, done: () => boolean): Promise<void> {
    const end = Date.now() + 10_000
    while (!done()) {
      if (Date.now() > end) throw new Error('timeout')
      await new Promise((r) => setTimeout(r, 10))
    }
    await spine.settled()
  }

  /** A spine with one recording listener. */
  async function started() {
    const spine = new Spine(db)
    const got: { tenant: string; ev: ServerEvent; audience: Audience | null }[] = []
    spine.on((ev, tn, audience) => {
      got.push({ tenant: tn, ev, audience })
    })
    await spine.start()
    return { spine, got }
  }

  it('hands each committed event to the listener once, in seq order, with its tenant and audience; a rolled-back one never', async () => {
    const { spine, got } = await started()
    try {
      const a = await append(tenant, 'one')
      await db.orm
        .transaction(async (tx) => {
          await appendEvent(tx, tenant, 'status.changed', status('rolled back'))
          throw new Error('rollback')
        })
        .catch(() => {})
      const b = await append(other, 'two')
      const c = await append(tenant, 'three', { groupIds: ['g'], staff: true })
      await until(spine, () => got.some((g) => g.ev.seq === c.seq) && got.some((g) => g.ev.seq === b.seq))
      // The order is per tenant: each tenant's reads are its own, so tenants may interleave either way.
      const of = (tn: string) => got.filter((g) => g.tenant === tn).map((g) => [g.ev.seq, g.audience])
      expect(of(tenant)).toEqual([
        [a.seq, null],
        [c.seq, { groupIds: ['g'], staff: true }],
      ])
      expect(of(other)).toEqual([[b.seq, null]])
      expect(got).toHaveLength(3)
    } finally {
      await spine.stop()
    }
  })

  it('an event whose NOTIFY was lost reaches the listener with the next one, in order', async () => {
    const { spine, got } = await started()
    try {
      const first = await append(tenant, 'first')
      await until(spine, () => got.length === 1)
      // Written without its NOTIFY (as if the LISTEN connection had dropped at that moment).
      const [lost] = await db.orm
        .insert(schema.events)
        .values({ tenantId: tenant, type: 'status.changed', payload: status('lost') })
        .returning()
      const next = await append(tenant, 'next')
      await until(spine, () => got.some((g) => g.ev.seq === next.seq))
      expect(got.map((g) => g.ev.seq)).toEqual([first.seq, lost!.seq, next.seq])
    } finally {
      await spine.stop()
    }
  })

  it('a repeated NOTIFY is not delivered twice', async () => {
    const { spine, got } = await started()
    try {
      const e = await append(tenant, 'once')
      await db.orm.execute(
        (await import('drizzle-orm')).sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${`${e.seq}:${tenant}`})`,
      )
      const after = await append(tenant, 'after')
      await until(spine, () => got.some((g) => g.ev.seq === after.seq))
      expect(got.map((g) => g.ev.seq)).toEqual([e.seq, after.seq])
    } finally {
      await spine.stop()
    }
  })

  it('a throwing listener neither stops the others nor its own later events; a slow one keeps its order', async () => {
    const errors: unknown[] = []
    const spine = new Spine(db, (e) => errors.push(e))
    const fast: number[] = []
    const slow: number[] = []
    const flaky: number[] = []
    spine.on((ev) => {
      fast.push(ev.seq)
    })
    spine.on(async (ev) => {
      await new Promise((r) => setTimeout(r, ev.seq % 2 ? 30 : 1))
      slow.push(ev.seq)
    })
    let n = 0
    spine.on((ev) => {
      if (n++ === 0) throw new Error('listener bug')
      flaky.push(ev.seq)
    })
    await spine.start()
    try {
      const seqs: number[] = []
      for (const s of ['a', 'b', 'c', 'd']) seqs.push((await append(tenant, s)).seq)
      await until(spine, () => fast.length === 4)
      expect(fast).toEqual(seqs)
      expect(slow).toEqual(seqs)
      expect(flaky).toEqual(seqs.slice(1))
      expect(errors).toHaveLength(1)
    } finally {
      await spine.stop()
    }
  })

  it('a listener that does not want a tenant is not called for it; unsubscribing stops delivery', async () => {
    const spine = new Spine(db)
    const got: string[] = []
    const all: number[] = []
    spine.on((ev) => void all.push(ev.seq))
    const off = spine.on((_ev, tn) => void got.push(tn), { wants: (tn) => tn === other })
    await spine.start()
    try {
      await append(tenant, 'not wanted')
      const wanted = await append(other, 'wanted')
      await until(spine, () => all.includes(wanted.seq))
      off()
      const late = await append(other, 'after off')
      await until(spine, () => all.includes(late.seq))
      expect(got).toEqual([other])
    } finally {
      await spine.stop()
    }
  })

  it('notices (session revoked, groups changed) come in order with the events', async () => {
    const spine = new Spine(db)
    const seen: string[] = []
    spine.on((ev) => void seen.push(`event ${(ev.payload as { status: string }).status}`))
    spine.onNotice((n: SpineNotice) => void seen.push(n.kind))
    await spine.start()
    try {
      await append(tenant, 'before')
      await db.orm.transaction(async (tx) => {
        await announceGroupsChanged(tx, tenant)
      })
      await db.orm.execute(
        (await import('drizzle-orm')).sql`SELECT pg_notify(${EVENTS_CHANNEL}, 'revoked:s1')`,
      )
      await append(tenant, 'after')
      await until(spine, () => seen.length === 4)
      expect(seen).toEqual(['event before', 'groups.changed', 'session.revoked', 'event after'])
    } finally {
      await spine.stop()
    }
  })

  it('a backlog is caught up in a few reads up to the newest seq notified, in order, in capped pages', async () => {
    // The first read is held until all 200 events have committed, as a read behind a slow database
    // would be: the NOTIFYs that arrive meanwhile must join one read, not queue one read each.
    let open!: () => void
    const gate = new Promise<void>((r) => {
      open = r
    })
    const reads: { after: number; upTo: number; limit: number; rows: number }[] = []
    const read: SpineRead = async (tn, after, upTo, limit) => {
      if (!reads.length) await gate
      const rows = await spineEvents(db.orm, tn, after, upTo, limit)
      reads.push({ after, upTo, limit, rows: rows.length })
      return rows
    }
    const spine = new Spine(db, undefined, { read, pageSize: 50 })
    const got: number[] = []
    spine.on((ev) => void got.push(ev.seq))
    await spine.start()
    try {
      const seqs: number[] = []
      for (let i = 0; i < 200; i++) seqs.push((await append(tenant, `burst ${i}`)).seq)
      open()
      await until(spine, () => got.length >= 200)
      expect(got).toEqual(seqs)
      // 1 held read of the first event, then the other 199 in pages of 50 (a NOTIFY arriving late
      // on PostgreSQL may add one more): far fewer than one read per event.
      expect(reads.reduce((n, r) => n + r.rows, 0)).toBe(200)
      expect(reads.length).toBeLessThanOrEqual(8)
      expect(reads.every((r) => r.limit === 50 && r.rows <= 50)).toBe(true)
    } finally {
      await spine.stop()
    }
  })
})

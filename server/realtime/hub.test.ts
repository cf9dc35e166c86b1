/** The hub's live fan-out: one serialization per event, whatever the number of sockets (issue 7). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ServerMessage } from '../../contract/events.ts'
import { appendEvent, type Db } from '../db/index.ts'
import { createTenant } from '../domain/tenants/index.ts'
import { type TestDb, targets } from '../test/dbs.ts'
import type { Viewer } from './audience.ts'
import { FeedConnection } from './feed.ts'
import { Hub } from './hub.ts'

const viewer = (employeeId: string): Viewer => ({
  employeeId,
  role: 'operator',
  groupIds: () => new Set(),
})

describe.each(targets)('hub on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenant: string
  beforeAll(async () => {
    t = await target.open()
    db = t.db
    tenant = await createTenant(db.orm, {
      name: 'hub',
      slug: 'hub',
      sipDomain: 'hub.test',
      seats: 1,
      features: { softphone: false, omni: false },
    })
  })
  afterAll(() => t.dispose())

  it('serializes a live event once and sends that same frame to every socket that may see it', async () => {
    const hub = new Hub(db)
    await hub.start()
    // Each socket sends like ws.ts: the hub's frame when given, else its own JSON.stringify.
    const frames = new Map<string, string[]>()
    const conns = ['a', 'b', 'c', 'outsider'].map((id) => {
      frames.set(id, [])
      const send = (m: ServerMessage, json?: string) => {
        if (m.kind === 'event') frames.get(id)?.push(json ?? JSON.stringify(m))
      }
      const c = new FeedConnection(tenant, send, hub.source, viewer(id))
      hub.add(c)
      return c
    })
    const stringify = vi.spyOn(JSON, 'stringify')
    try {
      for (const c of conns) await c.resume(await hub.source.lastSeq(tenant))
      const payload = { employeeId: 'a', status: 'busy', online: true, at: '' }
      const seen = await db.orm.transaction((tx) =>
        appendEvent(tx, tenant, 'status.changed', payload, { employeeIds: ['a', 'b', 'c'] }),
      )
      const hidden = await db.orm.transaction((tx) =>
        appendEvent(tx, tenant, 'status.changed', payload, { employeeIds: ['nobody'] }),
      )
      const end = Date.now() + 10_000
      while (!frames.get('c')?.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
      await hub.settled()
      const ofEvent = (seq: number) =>
        stringify.mock.calls.filter(([v]) => (v as { seq?: unknown } | null)?.seq === seq).length
      expect(ofEvent(seen.seq)).toBe(1)
      expect(ofEvent(hidden.seq)).toBe(0)
      const frame = frames.get('a')?.[0]
      expect(frame && JSON.parse(frame)).toMatchObject({ seq: seen.seq, payload })
      expect([...frames]).toEqual([
        ['a', [frame]],
        ['b', [frame]],
        ['c', [frame]],
        ['outsider', []],
      ])
    } finally {
      stringify.mockRestore()
      await hub.stop()
    }
  })
})

/**
 * Issue 7 §1 audience filtering over the real socket: an operator of another group never receives a
 * chat's events, live or on resume; its group's operators and the staff do; events without an audience
 * still reach everyone; a membership change (announced) applies to the next event.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerEvent, ServerMessage } from '../../contract/events.ts'
import { type Audience, announceGroupsChanged, appendEvent, schema } from '../db/index.ts'
import { createGroup } from '../domain/tenants/index.ts'
import { Hub } from '../realtime/hub.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'

interface Client {
  msgs: ServerMessage[]
  send(m: unknown): void
  close(): void
  waitFor(pred: (m: ServerMessage[]) => boolean): Promise<void>
}

async function connect(app: FastifyInstance, token: string, since?: number): Promise<Client> {
  const ws = await app.injectWS('/api/ws')
  const msgs: ServerMessage[] = []
  ws.on('message', (d) => msgs.push(JSON.parse(String(d)) as ServerMessage))
  const c: Client = {
    msgs,
    send: (m) => ws.send(JSON.stringify(m)),
    close: () => ws.close(),
    async waitFor(pred) {
      const end = Date.now() + 5000
      while (!pred(msgs)) {
        if (Date.now() > end) throw new Error(`timeout; got ${JSON.stringify(msgs)}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
  }
  c.send({ type: 'auth', token })
  await c.waitFor((m) => m.length >= 1)
  const ready = msgs[0] as { kind: string; lastSeq: number }
  expect(ready.kind).toBe('ready')
  c.send({ type: 'resume', since: since ?? ready.lastSeq })
  await c.waitFor((m) => m.some((x) => x.kind === 'live'))
  return c
}

const seqsOf = (m: ServerMessage[]) => m.flatMap((x) => (x.kind === 'event' ? [(x as ServerEvent).seq] : []))

describe.each(targets)('/api/ws audience on $name', (target) => {
  let f: Fixture
  let tenantId: string
  let sales: string
  const ids = new Map<string, string>()
  const tokens = new Map<string, string>()
  beforeAll(async () => {
    f = await makeFixture(target)
    const [t] = await f.db.orm
      .select({ id: schema.tenants.id })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const [g] = await f.db.orm
      .select({ id: schema.groups.id })
      .from(schema.groups)
      .where(and(eq(schema.groups.tenantId, tenantId), eq(schema.groups.name, 'Sales')))
    sales = g!.id
    // op1 is in Sales, op4 in Support (demo seed); supervisor and admin are staff.
    for (const login of ['op1@demo', 'op4@demo', 'supervisor@demo', 'admin@demo']) {
      const r = await f.login(login)
      tokens.set(login, r.token)
      ids.set(login, r.me.id)
    }
  })
  afterAll(() => f.close())

  const append = (type: 'status' | 'chat', audience: Audience | null) =>
    f.db.orm.transaction((tx) =>
      type === 'status'
        ? appendEvent(tx, tenantId, 'status.changed', {
            employeeId: 'x',
            status: 'available',
            online: true,
            at: '',
          })
        : appendEvent(
            tx,
            tenantId,
            'template.deleted',
            { id: '00000000-0000-4000-8000-000000000000' },
            audience,
          ),
    )

  it('a Sales chat event: Sales operator and staff get it, a Support operator never — live or on resume; null audience reaches all', async () => {
    const logins = ['op1@demo', 'op4@demo', 'supervisor@demo', 'admin@demo']
    const live = new Map<string, Client>()
    for (const l of logins) live.set(l, await connect(f.app, tokens.get(l)!))
    const before = (await f.hub.source.lastSeq(tenantId)) as number

    const chat = await append('chat', { groupIds: [sales], staff: true })
    const everyone = await append('status', null)
    const justOp4 = await append('chat', { employeeIds: [ids.get('op4@demo')!] })
    // The last event is invisible to most: they still stay live and get the next visible one.
    const salesAgain = await append('chat', { groupIds: [sales] })
    await f.hub.settled()
    const last = await append('status', null)
    for (const c of live.values()) await c.waitFor((m) => seqsOf(m).includes(last.seq))

    const want: Record<string, number[]> = {
      'op1@demo': [chat.seq, everyone.seq, salesAgain.seq, last.seq],
      'op4@demo': [everyone.seq, justOp4.seq, last.seq],
      'supervisor@demo': [chat.seq, everyone.seq, last.seq],
      'admin@demo': [chat.seq, everyone.seq, last.seq],
    }
    for (const l of logins) expect(seqsOf(live.get(l)!.msgs), `live ${l}`).toEqual(want[l])

    // Resume from before them all: the same filter.
    for (const l of logins) {
      const r = await connect(f.app, tokens.get(l)!, before)
      expect(seqsOf(r.msgs), `resume ${l}`).toEqual(want[l])
      expect(r.msgs.at(-1)).toEqual({ kind: 'live', lastSeq: last.seq })
      r.close()
    }
    for (const c of live.values()) c.close()
  })

  it('op4 joins Sales (announced): the next Sales event reaches his open socket', async () => {
    const c = await connect(f.app, tokens.get('op4@demo')!)
    const hidden = await append('chat', { groupIds: [sales] })
    await f.db.orm.transaction(async (tx) => {
      await tx
        .insert(schema.groupMembers)
        .values({ tenantId, groupId: sales, employeeId: ids.get('op4@demo')! })
      await announceGroupsChanged(tx, tenantId)
    })
    const shown = await append('chat', { groupIds: [sales] })
    await c.waitFor((m) => seqsOf(m).includes(shown.seq))
    expect(seqsOf(c.msgs)).toEqual([shown.seq])
    expect(seqsOf(c.msgs)).not.toContain(hidden.seq)
    c.close()
    await f.db.orm
      .delete(schema.groupMembers)
      .where(
        and(eq(schema.groupMembers.groupId, sales), eq(schema.groupMembers.employeeId, ids.get('op4@demo')!)),
      )
  })

  it('a group created with op4 in it: its chat events reach his open socket from then on', async () => {
    const c = await connect(f.app, tokens.get('op4@demo')!)
    const g = await f.db.orm.transaction((tx) =>
      createGroup(tx, tenantId, {
        name: 'Night shift',
        extension: '299',
        strategy: 'parallel',
        memberIds: [ids.get('op4@demo')!],
      }),
    )
    const shown = await append('chat', { groupIds: [g] })
    await c.waitFor((m) => seqsOf(m).includes(shown.seq))
    c.close()
  })

  it('race: sockets of a tenant authenticating at once all know their groups (none sees the empty first read)', async () => {
    const hub = new Hub(f.db)
    const who = { tenantId, employeeId: ids.get('op1@demo')!, role: 'operator' as const }
    // What each socket knows the moment its viewer is ready (its resume starts right then).
    const known = await Promise.all([1, 2, 3].map(() => hub.viewer(who).then((v) => [...v.groupIds()])))
    for (const groups of known) expect(groups).toContain(sales)
  })
})

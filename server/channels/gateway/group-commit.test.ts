/**
 * Stage 1's group commit (issue 8 ingest budget): webhooks that arrive together are queued in one
 * statement and each is answered only after its commit; a failed commit fails every webhook of the
 * group and stores none of it; past the bound a webhook is refused with E_BUSY (503) at once.
 */
import { randomUUID } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { connectTestChannel, type TestChannel } from '../../test/channels.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import { createGroupCommit, type GroupCommitOptions } from './group-commit.ts'
import { enqueueRows, inbound, type QueuedMessage } from './ingest.ts'

describe.each(targets)('stage 1 group commit on $name', (target) => {
  let f: Fixture
  let tenantId: string
  let wa: TestChannel
  let otherWa: TestChannel

  beforeAll(async () => {
    f = await makeFixture(target)
    await f.app.ingest.stop()
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    wa = await connectTestChannel(f.db.orm, tenantId, 'whatsapp', { phoneNumberId: '1' })
    otherWa = await connectTestChannel(f.db.orm, f.otherTenantId, 'whatsapp', { phoneNumberId: '2' })
  }, 60_000)
  afterAll(async () => {
    await f?.close()
  })

  const msg = (text: string, channel = wa): QueuedMessage => ({
    channelId: channel.id,
    clientAddress: `+7900${Math.floor(Math.random() * 1e7)}`,
    providerMsgId: `wamid.${randomUUID()}`,
    text,
  })
  const queuedIds = async (ms: QueuedMessage[]) =>
    (
      await f.db.orm
        .select({ id: inbound.providerMsgId })
        .from(inbound)
        .where(
          inArray(
            inbound.providerMsgId,
            ms.map((m) => m.providerMsgId),
          ),
        )
    ).map((r) => r.id)

  /** A statement held until `release()`, counted. */
  const held = () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const statements: number[] = []
    let started!: () => void
    const begun = new Promise<void>((r) => {
      started = r
    })
    const write: NonNullable<GroupCommitOptions['write']> = async (q, rows) => {
      statements.push(rows.length)
      started()
      await gate
      return enqueueRows(q, rows)
    }
    return { write, statements, release, begun }
  }

  it('forty webhooks at once: one statement, and each answered only after it committed', async () => {
    const h = held()
    const gc = createGroupCommit(() => f.db.orm, { write: h.write, maxWaitMs: 1000 })
    const hooks = Array.from({ length: 40 }, (_, i) => [msg(`a${i}`), msg(`b${i}`)])
    // One webhook repeats another's message (a provider's retry arriving with it): queued once.
    const repeat = [hooks[0]![0]!]
    const answered: number[] = []
    const all = [...hooks, repeat].map((ms, i) =>
      gc.add(tenantId, ms).then((n) => {
        answered.push(i)
        return n
      }),
    )
    // 81 rows gathered (fewer than maxRows): the group waits for maxWaitMs, then goes as a whole.
    await new Promise((r) => setImmediate(r))
    expect(h.statements).toEqual([])
    expect(gc.pending()).toBe(81)
    await h.begun
    expect(h.statements).toEqual([81])
    expect(answered).toEqual([]) // the statement is held: nobody has its 200
    expect(await queuedIds(hooks.flat())).toEqual([])
    h.release()
    const created = await Promise.all(all)
    expect(h.statements).toEqual([81])
    expect(created).toEqual([...hooks.map(() => 2), 0])
    expect((await queuedIds(hooks.flat())).length).toBe(80)
    expect(gc.pending()).toBe(0)
  })

  it('a group bigger than maxRows goes in several statements, a webhook never split', async () => {
    const h = held()
    h.release()
    const gc = createGroupCommit(() => f.db.orm, { write: h.write, maxRows: 5 })
    const hooks = [[msg('1'), msg('2')], [msg('3'), msg('4')], [msg('5'), msg('6')], [msg('7')]]
    expect(await Promise.all(hooks.map((ms) => gc.add(tenantId, ms)))).toEqual([2, 2, 2, 1])
    expect(h.statements).toEqual([4, 3])
  })

  it('a commit that fails fails every webhook of its group, and none of their rows is stored', async () => {
    const gc = createGroupCommit(() => f.db.orm)
    const good = [[msg('fine 1')], [msg('fine 2'), msg('fine 3')]]
    // A row naming another tenant's channel breaks the (tenant, channel) key: the statement fails.
    const bad = [msg('forged', otherWa)]
    const results = await Promise.allSettled([...good, bad].map((ms) => gc.add(tenantId, ms)))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(await queuedIds([...good.flat(), ...bad])).toEqual([])
    // The providers retry: the next group goes through.
    expect(await Promise.all(good.map((ms) => gc.add(tenantId, ms)))).toEqual([1, 2])
  })

  it('past maxPending rows waiting, a webhook is refused at once with E_BUSY; room again after the commit', async () => {
    const h = held()
    const gc = createGroupCommit(() => f.db.orm, { write: h.write, maxPending: 3, maxWaitMs: 0 })
    const first = gc.add(tenantId, [msg('1'), msg('2')])
    await h.begun
    expect(h.statements).toEqual([2])
    const refused = await gc.add(tenantId, [msg('3'), msg('4')]).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('E_BUSY')
    const fits = gc.add(tenantId, [msg('5')])
    h.release()
    expect(await Promise.all([first, fits])).toEqual([2, 1])
    expect(await gc.add(tenantId, [msg('6'), msg('7'), msg('8')])).toBe(3)
  })
})

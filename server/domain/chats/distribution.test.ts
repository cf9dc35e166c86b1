/**
 * An external channel's distribution (config.groupIds, A5): a client's first message opens a chat in
 * those groups' New. Regression: the groups were looked up with `ANY(${array}::uuid[])`, which drizzle
 * sends as a row, not an array — every inbound message of a channel with a distribution was a 500.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { type Fixture, makeFixture } from '../../test/fixture.ts'
import { connectChannel } from '../channels/index.ts'
import { receiveInbound } from './index.ts'

describe.each(targets)('channel distribution on $name', (target) => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(target)
  })
  afterAll(() => f.close())

  it("a channel's groupIds become the new chat's distribution (foreign ids dropped)", async () => {
    const [g] = await f.db.orm.select().from(schema.groups).where(eq(schema.groups.tenantId, f.otherTenantId))
    const c = await connectChannel(f.db.orm, f.otherTenantId, {
      kind: 'sms',
      name: 'SMS',
      config: { groupIds: [g!.id], url: 'http://127.0.0.1:9/sms' },
    })
    const { chat } = await receiveInbound(f.db.orm, f.otherTenantId, {
      channelId: c.channel.id,
      clientAddress: '+79161112233',
      providerMsgId: 'sms-1',
      text: 'Здравствуйте',
    })
    expect(chat.groupIds).toEqual([g!.id])
  })
})

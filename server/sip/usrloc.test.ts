/** S1 presence: lines of vanished devices are found by comparing Kamailio's registrar with the database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'
import { dropVanished, recordRegistration, registeredUsers } from './registrations.ts'
import { aorsInDump } from './usrloc.ts'

const DOMAIN = 'demo.frontline.local'

describe('aorsInDump', () => {
  it("finds every AoR of Kamailio's ul.dump answer, whatever the nesting", () => {
    const dump = {
      Domains: [
        {
          Domain: {
            Domain: 'location',
            AoRs: [
              { Info: { AoR: `101@${DOMAIN}`, Contacts: [{ Contact: { Address: 'sip:x@1.2.3.4' } }] } },
              { Info: { AoR: `Gateway@${DOMAIN}`, Contacts: [] } },
            ],
          },
        },
      ],
    }
    expect(aorsInDump(dump)).toEqual(new Set([`101@${DOMAIN}`, `gateway@${DOMAIN}`]))
    expect(aorsInDump(null)).toEqual(new Set())
  })
})

describe.each(targets)('dropVanished on $name', (target) => {
  let f: Fixture
  let tenantId = ''
  beforeAll(async () => {
    f = await makeFixture(target)
    tenantId = (await f.login('op1@demo')).me.tenantId
  })
  afterAll(() => f.close())

  it('a registered line Kamailio no longer holds is gone; one it holds, or reported after the dump, stays', async () => {
    const before = new Date(Date.now() - 60_000)
    for (const user of ['101', '102'])
      await recordRegistration(f.db.orm, { user, domain: DOMAIN, contacts: 1, expires: 600 }, before)
    const dumpedAt = new Date(Date.now() - 30_000)
    // 103 registered after the dump was taken: the dump cannot know it yet.
    await recordRegistration(f.db.orm, { user: '103', domain: DOMAIN, contacts: 1, expires: 600 })
    const gone = await dropVanished(f.db.orm, new Set([`101@${DOMAIN}`]), dumpedAt)
    expect(gone).toEqual([{ tenantId, user: '102' }])
    expect(await registeredUsers(f.db.orm, tenantId)).toEqual(new Set(['101', '103']))
    // Gone lines are not reported twice.
    expect(await dropVanished(f.db.orm, new Set([`101@${DOMAIN}`]), dumpedAt)).toEqual([])
  })
})

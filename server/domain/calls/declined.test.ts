/** C10: a call I declined is one of My calls — only a call that rang me, recorded once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallPage, CallView } from '../../../contract/calls.ts'
import { schema } from '../../db/index.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { kamailio, SALES_VN } from './testkit.ts'

describe.each(targets)('declined calls on $name', (target) => {
  let f: Fixture
  let k: Awaited<ReturnType<typeof kamailio>>
  beforeAll(async () => {
    f = await makeFixture(target)
    k = await kamailio(f)
    await f.db.orm.update(schema.employees).set({ mobile: null })
    for (const i of [1, 2, 3, 4]) {
      await k.status(`op${i}@demo`, 'available')
      await k.register(`10${i}`)
    }
  })
  afterAll(() => f.close())

  const decline = async (login: string, sipCallId: string) =>
    f.app.inject({
      method: 'POST',
      url: `/api/calls/declined/${encodeURIComponent(sipCallId)}`,
      headers: auth(await k.token(login)),
    })
  const mine = async (login: string) =>
    (
      (
        await f.app.inject({ url: '/api/calls?scope=mine', headers: auth(await k.token(login)) })
      ).json() as CallPage
    ).items

  it('the operator who declined finds it in My calls; a colleague who was not rung cannot claim it', async () => {
    const a = await k.route('gateway', SALES_VN, { fromName: '"+7 916 400-00-09"' })
    expect(a.answer).toMatchObject({ action: 'relay' })
    expect((await mine('op1@demo')).map((c) => c.sipCallId)).not.toContain(a.callId)
    const res = await decline('op1@demo', a.callId)
    expect(res.statusCode).toBe(200)
    const view = res.json() as CallView
    expect(view.declinedIds).toHaveLength(1)
    // Twice is once.
    expect(((await decline('op1@demo', a.callId)).json() as CallView).declinedIds).toEqual(view.declinedIds)
    await k.dialog('failed', a.callId, { code: 487 })
    expect((await mine('op1@demo')).map((c) => c.sipCallId)).toContain(a.callId)
    // op4 is Support: Sales' call never rang them.
    expect((await decline('op4@demo', a.callId)).statusCode).toBe(404)
    expect((await mine('op4@demo')).map((c) => c.sipCallId)).not.toContain(a.callId)
    expect((await decline('op1@demo', 'no-such-call')).statusCode).toBe(404)
    expect((await decline('op1@other', a.callId)).statusCode).toBe(404)
  })
})

/** What the pbx tests read and set through the server's own API (shared by calls-end, call-wake, keepalive). */
import { expect } from 'vitest'
import type { CallView } from '../contract/calls.ts'
import { auth, type Fixture } from '../server/test/fixture.ts'

/** The call record as the server has it now (All calls, read by the admin). */
export async function callRecord(f: Fixture, sipCallId: string): Promise<CallView | undefined> {
  const { token } = await f.login('admin@demo')
  const page = (await f.app.inject({ url: '/api/calls?scope=all', headers: auth(token) })).json() as {
    items: CallView[]
  }
  return page.items.find((c) => c.sipCallId === sipCallId)
}

/** Sets `login`'s own status (PUT /api/me/status). */
export async function setOwnStatus(f: Fixture, login: string, status: string): Promise<void> {
  const { token } = await f.login(login)
  const r = await f.app.inject({
    method: 'PUT',
    url: '/api/me/status',
    headers: auth(token),
    payload: { status },
  })
  expect(r.statusCode).toBe(200)
}

/**
 * Helpers of the channel specs (issue 8 §4, §5, §8): an API client as a demo employee, and the proof
 * that an operator's message left through its channel's delivery job.
 */
import type { APIRequestContext } from '@playwright/test'
import { expect, type FrontlineServer } from './fixtures.ts'

/** A signed-in API client. */
export async function apiAs(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post(`${server.baseURL}/api/auth/login`, {
    data: { login, password: server.password },
  })
  expect(res.ok(), await res.text()).toBe(true)
  const { token, me } = (await res.json()) as { token: string; me: { id: string } }
  return { id: me.id, headers: { authorization: `Bearer ${token}` } }
}

/** A5: switches the demo tenant's omnichannel option (admin API). */
export async function setOmni(request: APIRequestContext, server: FrontlineServer, omni: boolean) {
  const admin = await apiAs(request, server, 'admin@demo')
  const r = await request.patch(`${server.baseURL}/api/admin/features`, {
    headers: admin.headers,
    data: { omni },
  })
  expect(r.ok(), await r.text()).toBe(true)
}

/**
 * The delivery of the operator's message `text` in chat `chatId`, once its channel's delivery job ran
 * (server/channels/external.ts claims it and calls the channel kind's adapter). Until the adapters are
 * merged the job fails for want of one and marks the message `failed`; with them, pass the states
 * the stand-in's answer leads to (and assert what the stand-in received next to this call).
 */
export async function deliveryAfterJob(
  request: APIRequestContext,
  server: FrontlineServer,
  headers: Record<string, string>,
  chatId: string,
  text: string,
  done: readonly string[] = ['failed', 'delivered', 'read'],
): Promise<string> {
  let state = ''
  await expect
    .poll(
      async () => {
        const r = await request.get(`${server.baseURL}/api/chats/${chatId}/messages`, { headers })
        const { messages } = (await r.json()) as {
          messages: { text: string; author: string; delivery: string }[]
        }
        state = messages.find((m) => m.author === 'operator' && m.text === text)?.delivery ?? ''
        return done.includes(state)
      },
      { timeout: 15_000 },
    )
    .toBe(true)
  return state
}

/** A Russian mobile number no demo client has (unique per run: the worker's server outlives a test). */
export const freshMobile = () => `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`

/**
 * Helpers of the channel specs (issue 8 §4, §5, §8): an API client as a demo employee, and the proof
 * that an operator's message left through its channel's delivery job.
 */
import type { APIRequestContext, Page } from '@playwright/test'
import { type ProviderStandin, startProviderStandin } from '../server/test/provider-standin.ts'
import { captureRelay } from '../server/test/smtp.ts'
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
 * (server/channels/external.ts claims it and calls the channel kind's adapter): one of `done`. Pass
 * the states the stand-in's answer leads to, and assert what the stand-in received next to this call.
 */
export async function deliveryAfterJob(
  request: APIRequestContext,
  server: FrontlineServer,
  headers: Record<string, string>,
  chatId: string,
  text: string,
  done: readonly string[] = ['sent', 'delivered', 'read'],
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

/** The WhatsApp Cloud API phone number id the demo's WhatsApp is pointed at (the stand-in takes any). */
export const DEMO_WA_PHONE_ID = '106540352242922'

/**
 * The demo tenant's WhatsApp and SMS channels pointed at a provider stand-in, and a capturing SMTP
 * relay on the worker's relay port (the server's SMTP_RELAY_URL, which the demo e-mail channel uses) —
 * all through the admin API, as an admin would set them. The SMS channel's secret is rotated to learn
 * it (the gateway's signature of each send is checked with it). `close()` stops both.
 */
export async function demoProviders(request: APIRequestContext, server: FrontlineServer) {
  const stand: ProviderStandin = await startProviderStandin()
  if (!server.relayPort) throw new Error('the worker has no relay port')
  const relay = await captureRelay(server.relayPort)
  const admin = await apiAs(request, server, 'admin@demo')
  const { channels } = (await (
    await request.get(`${server.baseURL}/api/admin/channels`, { headers: admin.headers })
  ).json()) as { channels: { id: string; kind: string }[] }
  const idOf = (kind: string) => {
    const c = channels.find((x) => x.kind === kind)
    if (!c) throw new Error(`the demo tenant has no ${kind} channel`)
    return c.id
  }
  const patch = async (kind: string, config: Record<string, unknown>) => {
    const r = await request.patch(`${server.baseURL}/api/admin/channels/${idOf(kind)}`, {
      headers: admin.headers,
      data: { config },
    })
    expect(r.ok(), await r.text()).toBe(true)
  }
  await patch('whatsapp', {
    baseUrl: stand.url,
    phoneNumberId: DEMO_WA_PHONE_ID,
    accessToken: 'demo-wa-token',
    appSecret: 'demo-wa-app-secret',
  })
  await patch('sms', { url: `${stand.url}/gateway` })
  const rotated = await request.post(`${server.baseURL}/api/admin/channels/${idOf('sms')}/secret`, {
    headers: admin.headers,
  })
  expect(rotated.ok(), await rotated.text()).toBe(true)
  const smsSecret = ((await rotated.json()) as { secret: string }).secret
  return {
    stand,
    relay,
    smsSecret,
    close: async () => {
      await stand.close()
      await relay.close()
    },
  }
}

/** The delivery state the app shows on the operator's message `text` in the open chat ("Sent" …). */
export const shownState = (page: Page, text: string) =>
  page
    .locator('.msg', { hasText: text })
    .getByRole('img', { name: /^(Sent|Delivered|Read|Not delivered|Sending|Waiting for the network)$/ })

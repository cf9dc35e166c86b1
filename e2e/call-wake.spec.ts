/// <reference path="../server/test/http_ece.d.ts" />
/**
 * SPEC N1 (issue 10 §3): a call reaches a closed app. The operator's app is closed (no registration),
 * a customer dials from the demo site, the server's incoming-call push reaches the push-service
 * stand-in (decrypted there), the test opens the app as Answer in the notification would
 * (`answerPath`: a real notificationclick cannot be fired from a test), the app registers, the
 * parked call rings on it and is answered with audio both ways. Nobody wakes → a missed call.
 */
import type { APIRequestContext, Browser } from '@playwright/test'
import { answerPath, type CallPush } from '../contract/push.ts'
import { type PushService, startPushService } from '../server/test/push-service.ts'
import { expect, type FrontlineServer, type OwnServer, ownServer, test } from './fixtures.ts'
import {
  closeAll,
  everyoneOff,
  expectAudioBothWays,
  expectCalls,
  hangUp,
  history,
  openPhone,
  pageRtp,
  SALES_VN,
  siteCustomer,
  tokenOf,
} from './phone-helpers.ts'

test.describe.configure({ mode: 'serial', timeout: 120_000 })

let svc: PushService
let own: OwnServer

test.beforeAll(async () => {
  svc = await startPushService()
  own = await ownServer({ PUSH_ALLOW_PRIVATE: '1', PUSH_CA_FILE: svc.caFile }, { pbx: true })
})

test.afterAll(async () => {
  await own?.dispose()
  await svc?.close()
})

/** What colleagues see of `login` now (S1 presence). */
async function presenceOf(request: APIRequestContext, server: FrontlineServer, login: string) {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.get(`${server.baseURL}/api/contacts/employees`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const list = (await r.json()) as Array<{ login: string; presence: { state: string } }>
  return list.find((e) => e.login === login)?.presence.state
}

/**
 * `login` signed in on a device (Available), the device subscribed at the stand-in — the browser's
 * own pushManager.subscribe() cannot succeed here (recipes README) — and the app then closed: its
 * page is gone, Kamailio drops the contact, the server's sweep the line.
 */
async function closedApp(
  browser: Browser,
  request: APIRequestContext,
  server: FrontlineServer,
  login: string,
) {
  const op = await openPhone(browser, server, login)
  const sub = svc.subscribe()
  const r = await request.post(`${server.baseURL}/api/push/subscriptions`, {
    data: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys },
    headers: { authorization: `Bearer ${await tokenOf(request, server, login)}` },
  })
  expect(r.ok(), await r.text()).toBe(true)
  await op.page.close()
  await expect.poll(() => presenceOf(request, server, login), { timeout: 20_000 }).toBe('offline')
  return { context: op.context, sub }
}

test('N1 a customer calls a closed app: the push wakes it, it registers, the call rings and is answered with audio', async ({
  browser,
  request,
}) => {
  const server = own.server
  await everyoneOff(request, server)
  const app = await closedApp(browser, request, server, 'op2@demo')
  const customer = await siteCustomer(browser, server, '+79165550177')
  await customer.call('Sales')
  const push = await svc.waitFor((r) => r.id === app.sub.id && r.payload?.kind === 'call')
  expect(push.vapidOk).toBe(true)
  expect(push.urgency).toBe('high')
  const call = push.payload as CallPush
  expect(call).toMatchObject({ kind: 'call', virtualNumber: SALES_VN, groupName: 'Sales' })
  expect(call.from).toMatch(/79165550177/)
  // Answer in the notification: the app opens at the call, told which INVITE to answer.
  const page = await app.context.newPage()
  await page.goto(`${answerPath(call)}&debug`)
  await expectCalls(page, ['active'], 20_000)
  await expect(customer.state()).toHaveText(/Connected/)
  await expectAudioBothWays(page)
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(page)
  await expect(customer.state()).toHaveText(/ended/)
  const rows = await history(request, server, 'admin@demo')
  expect(rows.find((c) => c.id === call.callId)).toMatchObject({ state: 'ended', missed: false })
  await closeAll({ context: app.context }, customer)
})

test('N1 nobody wakes the closed app: the customer call follows the no-answer path and ends as a missed call', async ({
  browser,
  request,
}) => {
  const server = own.server
  await everyoneOff(request, server)
  const app = await closedApp(browser, request, server, 'op3@demo')
  const customer = await siteCustomer(browser, server, '+79165550178')
  await customer.call('Sales')
  const push = await svc.waitFor((r) => r.id === app.sub.id && r.payload?.kind === 'call')
  const call = push.payload as CallPush
  // Nobody opens the app: after the group's ring time the caller hears that nobody answered.
  await expect(customer.state()).toHaveText(/did not go through|ended|nobody can answer/, { timeout: 60_000 })
  await expect
    .poll(async () => (await history(request, server, 'admin@demo')).find((c) => c.id === call.callId), {
      timeout: 10_000,
    })
    .toMatchObject({ state: 'failed', missed: true })
  await closeAll({ context: app.context }, customer)
})

/**
 * SPEC N1, N2, N4: Web Push end to end as far as this machine allows. The browser cannot subscribe
 * here (recipes/README.md: pushManager.subscribe never settles), so the device's subscription is the
 * push-service stand-in's (server/test/push-service.ts): the server encrypts to it, the stand-in
 * checks the VAPID JWT and decrypts, and the decrypted payload is handed to the page's service worker
 * over the DevTools protocol (ServiceWorker.deliverPushMessage) — the last hop a real push service
 * would make. A real notificationclick cannot be fired from a test: the page is given the message the
 * worker's click handler posts (sw/clicks.ts, unit-tested), and the worker's own API call is made
 * from the worker's context with the token it reads from IndexedDB.
 */
import type { APIRequestContext, BrowserContext, CDPSession, Page } from '@playwright/test'
import type { PushPayload } from '../contract/push.ts'
import { type PushRequest, type PushService, startPushService } from '../server/test/push-service.ts'
import { apiAs } from './channels-helpers.ts'
import { expect, type FrontlineServer, type OwnServer, ownServer, test } from './fixtures.ts'
import { chooseStatus, signIn } from './helpers.ts'

test.describe.configure({ timeout: 120_000 })

let svc: PushService
let own: OwnServer
let server: FrontlineServer

test.beforeAll(async () => {
  svc = await startPushService()
  own = await ownServer({ PUSH_ALLOW_PRIVATE: '1', PUSH_CA_FILE: svc.caFile })
  server = own.server
})
test.afterAll(async () => {
  await own?.dispose()
  await svc?.close()
})

/** Registers a stand-in subscription as `login`'s device; returns its id at the stand-in. */
async function subscribeDevice(request: APIRequestContext, login: string) {
  const who = await apiAs(request, server, login)
  const s = svc.subscribe()
  const r = await request.post(`${server.baseURL}/api/push/subscriptions`, {
    headers: who.headers,
    data: { endpoint: s.endpoint, keys: s.keys },
  })
  expect(r.ok(), await r.text()).toBe(true)
  return { ...who, device: s.id }
}

/** A website visitor writes: a New chat for everyone's distribution on the demo's website chat. */
async function visitorWrites(request: APIRequestContext, text: string, name: string) {
  const page = { url: `${server.baseURL}/site/`, referrer: null }
  const first = await request.post(`${server.baseURL}/api/visitor/session`, {
    data: { tenant: 'demo', page },
  })
  expect(first.ok(), await first.text()).toBe(true)
  const { token } = (await first.json()) as { token: string }
  const res = await request.post(`${server.baseURL}/api/visitor/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: crypto.randomUUID(), text, name },
  })
  expect(res.ok(), await res.text()).toBe(true)
}

/** The operator's page with our worker in control and CDP's ServiceWorker domain on. */
async function operatorPage(context: BrowserContext, page: Page, login: string) {
  await context.grantPermissions(['notifications'], { origin: server.baseURL })
  const cdp = await context.newCDPSession(page)
  const regs: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = []
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => regs.push(...registrations))
  await cdp.send('ServiceWorker.enable')
  await page.goto(`${server.baseURL}/`)
  await signIn(page, server, login)
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller)
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      )
  })
  await expect.poll(() => regs.some((r) => r.scopeURL === `${server.baseURL}/` && !r.isDeleted)).toBe(true)
  const reg = regs.filter((r) => r.scopeURL === `${server.baseURL}/` && !r.isDeleted).at(-1)
  return { cdp, registrationId: reg?.registrationId as string }
}

/** Hands a decrypted payload to the worker as the browser's push service would. */
async function deliver(cdp: CDPSession, registrationId: string, payload: PushPayload) {
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: server.baseURL,
    registrationId,
    data: JSON.stringify(payload),
  })
}

/** The notification the worker shows with `tag` (polled: showNotification runs in the worker). */
function shown(page: Page, tag: string) {
  return expect
    .poll(
      () =>
        page.evaluate(async (t) => {
          const reg = await navigator.serviceWorker.ready
          const [n] = await reg.getNotifications({ tag: t })
          return n
            ? {
                title: n.title,
                body: n.body,
                tag: n.tag,
                actions: (n as unknown as { actions: { action: string }[] }).actions.map((a) => a.action),
              }
            : null
        }, tag),
      { timeout: 10_000 },
    )
    .not.toBeNull()
}
const notification = (page: Page, tag: string) =>
  page.evaluate(async (t) => {
    const reg = await navigator.serviceWorker.ready
    const [n] = await reg.getNotifications({ tag: t })
    return n
      ? {
          title: n.title,
          body: n.body,
          tag: n.tag,
          actions: (n as unknown as { actions: { action: string }[] }).actions.map((a) => a.action),
        }
      : null
  }, tag)

const forDevice = (device: string, kind: PushPayload['kind']) => (q: PushRequest) =>
  q.id === device && q.payload?.kind === kind

test('N1 every push kind: server → push service (VAPID, aes128gcm) → the worker shows title, tag and actions', async ({
  context,
  page,
  request,
}) => {
  const op = await subscribeDevice(request, 'op1@demo')
  const { cdp, registrationId } = await operatorPage(context, page, 'op1@demo')
  await chooseStatus(page, /Available/)

  // A new chat (the server's own push, decrypted by the stand-in).
  await visitorWrites(request, 'Нужна консультация по тарифу', 'Пётр Push')
  const chat = await svc.waitFor(forDevice(op.device, 'chat'))
  expect(chat.vapidOk).toBe(true)
  expect(chat.contentEncoding).toBe('aes128gcm')
  expect(chat.urgency).toBe('high')
  expect(chat.payload).toMatchObject({
    kind: 'chat',
    preview: 'Нужна консультация по тарифу',
    acceptButton: true,
  })
  await deliver(cdp, registrationId, chat.payload as PushPayload)
  const chatId = (chat.payload as Extract<PushPayload, { kind: 'chat' }>).chatId
  await shown(page, `chat:${chatId}`)
  expect(await notification(page, `chat:${chatId}`)).toEqual({
    title: 'New chat: Пётр Push',
    body: 'Нужна консультация по тарифу',
    tag: `chat:${chatId}`,
    actions: ['open', 'take'],
  })

  // A lead from the site form.
  const lr = await request.post(`${server.baseURL}/api/site/leads`, {
    data: { tenant: 'demo', name: 'Анна Push', phone: '+79160000077', comment: 'Перезвоните' },
  })
  expect(lr.ok(), await lr.text()).toBe(true)
  const lead = await svc.waitFor(forDevice(op.device, 'lead'))
  expect(lead.vapidOk).toBe(true)
  await deliver(cdp, registrationId, lead.payload as PushPayload)
  const leadId = (lead.payload as Extract<PushPayload, { kind: 'lead' }>).leadId
  await shown(page, `lead:${leadId}`)
  expect(await notification(page, `lead:${leadId}`)).toMatchObject({
    title: 'New lead: Анна Push',
    actions: ['open'],
  })

  // An incoming call, then its missed call in its place (the call wake-up and a SIP call send these;
  // the server → stand-in half of both is server/push/push.test.ts).
  const ringUntil = new Date(Date.now() + 60_000).toISOString()
  await deliver(cdp, registrationId, {
    kind: 'call',
    seq: 1,
    callId: 'e2e-call',
    from: '+79160000088',
    fromName: 'Мария',
    ringUntil,
  })
  await shown(page, 'call:e2e-call')
  expect(await notification(page, 'call:e2e-call')).toMatchObject({
    title: 'Incoming call',
    body: 'Мария · +79160000088',
    actions: ['answer', 'decline'],
  })
  await deliver(cdp, registrationId, {
    kind: 'missed_call',
    seq: 2,
    callId: 'e2e-call',
    from: '+79160000088',
    fromName: 'Мария',
  })
  await expect.poll(async () => (await notification(page, 'call:e2e-call'))?.title).toBe('Missed call')
  expect((await notification(page, 'call:e2e-call'))?.actions).toEqual([])

  // A transfer offer.
  await deliver(cdp, registrationId, {
    kind: 'transfer',
    seq: 3,
    offerId: 'e2e-offer',
    chatId,
    fromName: 'Иван',
    clientName: 'Пётр Push',
    comment: 'Вопрос по оплате',
    deadline: new Date(Date.now() + 30_000).toISOString(),
  })
  await shown(page, 'transfer:e2e-offer')
  expect(await notification(page, 'transfer:e2e-offer')).toMatchObject({
    title: 'Chat transfer',
    actions: ['accept', 'decline'],
  })
})

test('N2 a tapped chat notification opens the chat with fresh data; Take from the worker takes it', async ({
  context,
  page,
  request,
}) => {
  const op = await subscribeDevice(request, 'op2@demo')
  const { cdp, registrationId } = await operatorPage(context, page, 'op2@demo')
  await chooseStatus(page, /Available/)
  await visitorWrites(request, 'Где мой заказ 4471?', 'Ольга Push')
  const push = await svc.waitFor(forDevice(op.device, 'chat'))
  const p = push.payload as Extract<PushPayload, { kind: 'chat' }>
  await deliver(cdp, registrationId, p)
  await shown(page, `chat:${p.chatId}`)

  // The message sw/clicks.ts posts for a tap on the body: the page shows that chat, with its message.
  const [worker] = context.serviceWorkers()
  expect(worker).toBeTruthy()
  await worker?.evaluate(
    async (msg) => {
      const sw = self as unknown as {
        clients: { matchAll(o: object): Promise<{ postMessage(m: unknown): void }[]> }
      }
      for (const c of await sw.clients.matchAll({ type: 'window' })) c.postMessage(msg)
    },
    { kind: 'notification-click', action: 'default', path: `/requests/${p.chatId}`, seq: p.seq, data: p },
  )
  await expect(page).toHaveURL(new RegExp(`/requests/${p.chatId}$`))
  await expect(page.getByText('Где мой заказ 4471?')).toBeVisible()
  expect(await page.evaluate(() => location.search)).toBe('')

  // Take: the worker calls the API with the session token it finds in IndexedDB (idb-keyval).
  const status = await worker?.evaluate(async (url) => {
    const raw = await new Promise<unknown>((resolve, reject) => {
      const open = indexedDB.open('keyval-store')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const get = open.result.transaction('keyval').objectStore('keyval').get('accounts')
        get.onsuccess = () => resolve(get.result)
        get.onerror = () => reject(get.error)
      }
    })
    const s = raw as { list: { key: string; token: string }[]; activeKey: string }
    const token = s.list.find((a) => a.key === s.activeKey)?.token
    const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    return r.status
  }, `/api/chats/${p.chatId}/accept`)
  expect(status).toBe(200)
  const after = await request.get(`${server.baseURL}/api/chats/${p.chatId}`, { headers: op.headers })
  expect(((await after.json()) as { chat: { assigneeId: string } }).chat.assigneeId).toBe(op.id)
})

test('N4 the app icon badge is set to New chats + open missed calls', async ({ context, page, request }) => {
  await context.addInitScript(() => {
    const w = window as unknown as { __badges: number[] }
    w.__badges = []
    Object.defineProperty(navigator, 'setAppBadge', {
      configurable: true,
      value: async (n?: number) => {
        w.__badges.push(n ?? 0)
      },
    })
    Object.defineProperty(navigator, 'clearAppBadge', {
      configurable: true,
      value: async () => {
        w.__badges.push(0)
      },
    })
  })
  const op = await apiAs(request, server, 'op4@demo')
  const st = await request.put(`${server.baseURL}/api/me/status`, {
    headers: op.headers,
    data: { status: 'available' },
  })
  expect(st.ok(), await st.text()).toBe(true)
  // A chat that was waiting before the app opened counts too (the mirror has not seen it yet).
  await visitorWrites(request, 'Waiting before the app opened', 'Вера Push')
  await operatorPage(context, page, 'op4@demo')
  await visitorWrites(request, 'Badge check', 'Борис Push')
  const expected = async () => {
    const chats = await request.get(`${server.baseURL}/api/chats?tab=new`, { headers: op.headers })
    const missed = await request.get(`${server.baseURL}/api/calls/missed`, { headers: op.headers })
    return (
      ((await chats.json()) as { chats: unknown[] }).chats.length +
      ((await missed.json()) as { items: unknown[] }).items.length
    )
  }
  const want = await expected()
  expect(want).toBeGreaterThan(1)
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __badges: number[] }).__badges.at(-1)))
    .toBe(want)
})

test('N1 Settings shows what this device can do; a subscribe that fails or never settles says the push service is unreachable', async ({
  context,
  page,
}) => {
  await context.grantPermissions(['notifications'], { origin: server.baseURL })
  await page.goto(`${server.baseURL}/`)
  await signIn(page, server, 'op5@demo')
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.goto(`${server.baseURL}/account`)
  const rows = page.getByTestId('device-capabilities')
  await expect(rows.locator('[data-row="notifications"]')).toContainText('Allowed')
  // Chromium here cannot subscribe (recipes/README.md): refused at once, or never answered (10 s).
  await expect(rows.locator('[data-row="push"]')).toContainText("the browser's push service is unreachable", {
    timeout: 20_000,
  })
  await expect(rows.locator('[data-row="push"]')).toContainText('Try another network or browser')
  await expect(rows.locator('[data-row="installed"]')).toContainText('Browser tab')
  for (const id of ['sync', 'badge'])
    await expect(rows.locator(`[data-row="${id}"] .pill`)).toHaveText(/Supported|Not supported/)
})

/**
 * SPEC N3: what an operator needs is on the device (Dexie, fed by the change feed) and shows offline
 * after a reload; messages queued by a page that was then closed leave by Background Sync from the
 * service worker, once each, in order.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type OwnServer, ownServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

const DOMAIN = 'demo.frontline.local'
/** The demo's Sales virtual number (group 200: op1 is a member). */
const SALES_VN = '+74951204560'
const aor = (user: string) => `sip:${user}@${DOMAIN}`

/** Kamailio's side door, spoken by the test: a call between two extensions, answered or not. */
async function pbxDoor(request: APIRequestContext, own: OwnServer) {
  const { internalSecret } = JSON.parse(
    await readFile(path.join(own.server.dataDir, 'secrets.json'), 'utf8'),
  ) as { internalSecret: string }
  const headers = { 'x-internal-secret': internalSecret }
  const post = async (url: string, data: unknown) => {
    const res = await request.post(`${own.server.baseURL}${url}`, { headers, data })
    expect(res.ok(), await res.text()).toBe(true)
    return res
  }
  return {
    register: (ext: string) =>
      post('/internal/sip/registration', { aor: aor(ext), contacts: 1, expires: 600 }),
    /** A website guest (the demo site's call button) calls Sales, nobody answers: the group's missed call. */
    async guestCall(to: string) {
      const r = await request.post(`${own.server.baseURL}/api/site/call-credentials`, {
        data: { tenant: 'demo' },
      })
      expect(r.ok(), await r.text()).toBe(true)
      const guest = ((await r.json()) as { sip: { aor: string } }).sip.aor.replace(/^sip:|@.*$/g, '')
      await this.call(guest, to, false)
    },
    async call(from: string, to: string, answered: boolean) {
      const callId = `${randomUUID()}@n3`
      await post('/internal/sip/route', {
        callId,
        from: aor(from),
        to: aor(to),
        ruri: aor(to),
        domain: DOMAIN,
      })
      const ts = Date.now()
      const ends = { from: aor(from), to: aor(to) }
      if (answered) {
        await post('/internal/sip/dialog', { event: 'answer', callId, answeredBy: aor(to), ts, ...ends })
        await post('/internal/sip/dialog', { event: 'end', callId, ts: ts + 2000, ...ends })
      } else
        await post('/internal/sip/dialog', {
          event: 'failed',
          callId,
          code: 408,
          reason: 'No answer',
          ts,
          ...ends,
        })
    },
  }
}

/** A website visitor of the demo tenant writing through the widget's API; his chat waits in New. */
async function visitorWrites(request: APIRequestContext, baseURL: string, name: string, text: string) {
  const page = { url: `${baseURL}/site/`, referrer: null }
  const s = await request.post(`${baseURL}/api/visitor/session`, { data: { tenant: 'demo', page } })
  expect(s.ok(), await s.text()).toBe(true)
  const { token } = (await s.json()) as { token: string }
  const m = await request.post(`${baseURL}/api/visitor/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: randomUUID(), text, name },
  })
  expect(m.ok(), await m.text()).toBe(true)
}

/** What the account's Dexie mirror holds (read with plain IndexedDB, in the page). */
async function mirrorHolds(want: { message: string; lead: string }) {
  const name = (await indexedDB.databases()).find((d) => d.name?.startsWith('frontline-'))?.name
  if (!name) return null
  const db = await new Promise<IDBDatabase>((ok, ko) => {
    const r = indexedDB.open(name)
    r.onsuccess = () => ok(r.result)
    r.onerror = () => ko(r.error)
  })
  const all = <T>(store: string) =>
    new Promise<T[]>((ok) => {
      const r = db.transaction(store).objectStore(store).getAll()
      r.onsuccess = () => ok(r.result as T[])
    })
  const out = {
    message: (await all<{ text: string }>('messages')).some((m) => m.text === want.message),
    lead: (await all<{ name: string }>('leads')).some((l) => l.name === want.lead),
    calls: (await all<unknown>('calls')).length,
    templates: (await all<unknown>('templates')).length > 0,
  }
  db.close()
  return out
}

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click()

test('N3 offline after a reload: the last chats with their messages, leads, call history, missed calls, contacts and templates show, and the app says offline', async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000)
  const own = await ownServer()
  try {
    const { baseURL } = own.server
    const op = await operatorPhone(browser, own.server, 'op1@demo')
    const { page, context } = op
    await chooseStatus(page, /Available/)
    // Data the operator never opens a screen for before going offline.
    const guest = `Guest ${randomUUID().slice(0, 6)}`
    await visitorWrites(request, baseURL, guest, 'Is my order on its way?')
    const mine = `Guest ${randomUUID().slice(0, 6)}`
    await visitorWrites(request, baseURL, mine, 'I need a hand')
    const lead = `Лид ${randomUUID().slice(0, 6)}`
    const res = await request.post(`${baseURL}/api/site/leads`, {
      data: { tenant: 'demo', name: lead, phone: '+7 916 555-12-34', comment: 'call back' },
    })
    expect(res.ok(), await res.text()).toBe(true)
    // The callers may call (Off work forbids it).
    for (const login of ['op2@demo', 'op3@demo']) {
      const r = await request.post(`${baseURL}/api/auth/login`, {
        data: { login, password: own.server.password },
      })
      const { token } = (await r.json()) as { token: string }
      const st = await request.put(`${baseURL}/api/me/status`, {
        headers: { authorization: `Bearer ${token}` },
        data: { status: 'available' },
      })
      expect(st.ok(), await st.text()).toBe(true)
    }
    const pbx = await pbxDoor(request, own)
    await pbx.register('101')
    await pbx.call('102', '101', true)
    await pbx.guestCall(SALES_VN)
    // One chat the operator takes (its composer offers the templates); the other he never opens.
    await section(page, 'Requests')
    await page.getByRole('link', { name: new RegExp(`^Open chat with ${mine}`) }).click()
    await page.getByRole('button', { name: 'Accept chat' }).click()
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null)
    // A fresh start fills the mirror (the change feed and the start-up snapshots) …
    await page.reload()
    await section(page, 'Contacts')
    await page.getByRole('link', { name: 'Clients' }).click()
    const firstClient = page.locator('main a[href^="/contacts/clients/"] .row-title').first()
    await expect(firstClient).toBeVisible()
    const clientName = ((await firstClient.textContent()) ?? '').trim()
    // … given a moment to land: every store the offline screens read holds what was made above.
    await expect
      .poll(() => page.evaluate(mirrorHolds, { message: 'Is my order on its way?', lead }), {
        timeout: 15_000,
      })
      .toEqual({ message: true, lead: true, calls: 2, templates: true })
    await context.setOffline(true)
    await page.reload()
    await expect(page.getByRole('status').filter({ hasText: 'Offline' }).first()).toBeVisible()
    // Contacts.
    await expect(page.getByText(clientName).first()).toBeVisible()
    // Offline, presence is unknown: Employees says so and lists everyone saved (not "Nobody is online").
    await page.getByRole('link', { name: 'Employees' }).click()
    await expect(page.getByText('who is online is unknown')).toBeVisible()
    await expect(page.getByText('Nobody is online right now')).toHaveCount(0)
    await expect(page.getByText(/Иван|Мария|Ольга|Пётр|Анна/).first()).toBeVisible()
    // Requests: the new chat with its message.
    await section(page, 'Requests')
    await page.getByRole('tab', { name: /^New/ }).click()
    await page.getByRole('link', { name: new RegExp(`^Open chat with ${guest}`) }).click()
    await expect(page.getByText('Is my order on its way?')).toBeVisible()
    await page.goBack()
    // Leads.
    await page.getByRole('tab', { name: /^Leads/ }).click()
    await expect(page.getByRole('link', { name: new RegExp(`^Open the lead from ${lead}`) })).toBeVisible()
    // Call history and missed calls.
    await section(page, 'Calls')
    await page.getByRole('tab', { name: 'My calls' }).click()
    await expect(page.getByRole('link', { name: /^Details of the call with 102/ }).first()).toBeVisible()
    await page.getByRole('tab', { name: /^Missed/ }).click()
    await expect(page.getByRole('link', { name: /^Details of the call with / }).first()).toBeVisible()
    // Templates (the demo's shared ones), from the taken chat's composer.
    await section(page, 'Requests')
    await page.getByRole('tab', { name: /^In work/ }).click()
    await page.getByRole('link', { name: new RegExp(`^Open chat with ${mine}`) }).click()
    await expect(page.getByText('I need a hand')).toBeVisible()
    await page.getByRole('button', { name: 'Templates' }).click()
    await expect(page.getByText('Hello (English)')).toBeVisible()
    await expect(page.getByRole('status').filter({ hasText: 'Offline' }).first()).toBeVisible()
    await context.close()
  } finally {
    await own.dispose()
  }
})

test('N3 Background Sync: messages queued offline by a page that was then closed leave from the service worker, once each, in order', async ({
  browser,
  request,
  server,
}) => {
  test.setTimeout(90_000)
  const { baseURL } = server
  const { page, context } = await operatorPhone(browser, server, 'op4@demo')
  await chooseStatus(page, /Available/)
  const guest = `Guest ${randomUUID().slice(0, 6)}`
  await visitorWrites(request, baseURL, guest, 'Hello there')
  await section(page, 'Requests')
  // The New list re-renders as the chat's waiting time ticks: click until the conversation opens.
  await expect(async () => {
    await page.getByRole('link', { name: new RegExp(`^Open chat with ${guest}`) }).click({ timeout: 2000 })
    await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/, { timeout: 2000 })
  }).toPass()
  const accept = page.getByRole('button', { name: 'Accept chat' })
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(accept.or(box)).toBeVisible()
  if (await accept.isVisible()) await accept.click()
  await expect(box).toBeVisible()
  const chatId = new URL(page.url()).pathname.split('/').pop() ?? ''
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null)
  const cdp = await context.newCDPSession(page)
  const registrations = new Map<string, string>()
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: rs }) => {
    for (const r of rs) registrations.set(r.scopeURL, r.registrationId)
  })
  await cdp.send('ServiceWorker.enable')

  // The operator's view of the chat, through the API (the test's own connection is online all along).
  const login = await request.post(`${baseURL}/api/auth/login`, {
    data: { login: 'op4@demo', password: server.password },
  })
  const { token } = (await login.json()) as { token: string }
  const delivered = async () => {
    const r = await request.get(`${baseURL}/api/chats/${chatId}/messages`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const { messages } = (await r.json()) as { messages: { text: string }[] }
    return messages.map((m) => m.text).filter((t) => t.startsWith('from a closed app '))
  }

  await context.setOffline(true)
  const texts = Array.from({ length: 6 }, (_, i) => `from a closed app ${i + 1}`)
  for (const text of texts) {
    await box.fill(text)
    await page.getByRole('button', { name: 'Send' }).click()
  }
  await expect(page.getByRole('img', { name: 'Waiting for the network' })).toHaveCount(texts.length)
  // The page is closed before anything left.
  await page.close()
  expect(await delivered()).toEqual([])
  await context.setOffline(false)
  // No page of the app is open: the worker's sync event sends what the page queued.
  const registrationId = registrations.get(`${baseURL}/`)
  expect(registrationId).toBeTruthy()
  const other = await context.newPage()
  const cdp2 = await context.newCDPSession(other)
  await cdp2.send('ServiceWorker.enable')
  await cdp2.send('ServiceWorker.dispatchSyncEvent', {
    origin: baseURL,
    registrationId: registrationId as string,
    tag: 'outbox',
    lastChance: false,
  })
  await expect.poll(delivered, { timeout: 20_000 }).toEqual(texts)
  // A replayed sync is harmless: nothing is sent twice.
  await cdp2.send('ServiceWorker.dispatchSyncEvent', {
    origin: baseURL,
    registrationId: registrationId as string,
    tag: 'outbox',
    lastChance: true,
  })
  expect(await delivered()).toEqual(texts)
  await context.close()
})

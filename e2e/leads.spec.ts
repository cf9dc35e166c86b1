/**
 * SPEC T11 leads, T12 scheduled messages, T13 CRM hand-off. T11 runs on the worker's server; T12 and
 * T13 start servers of their own (own data dir copied from the template, FRONTLINE_TEST_HOOKS=1 for
 * the chat of a channel that allows scheduling) so they can restart one, or kill it with SIGKILL.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, ownServer as ownTestServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

/** A server of this test's own, with the test doors open; `kill9` and `restart` keep its data dir. */
async function ownServer() {
  const own = await ownTestServer({ FRONTLINE_TEST_HOOKS: '1' })
  const { server } = own
  const secrets = JSON.parse(await readFile(path.join(server.dataDir, 'secrets.json'), 'utf8')) as {
    internalSecret: string
  }
  return {
    ...own,
    /** A client's message through a connected channel of `kind` (the test door), its chat id. */
    async inbound(request: APIRequestContext, kind: string, clientName: string, text: string) {
      const res = await request.post(`${server.baseURL}/internal/test/inbound`, {
        headers: { 'x-internal-secret': secrets.internalSecret },
        data: {
          tenant: 'demo',
          kind,
          clientAddress: `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
          providerMsgId: randomUUID(),
          clientName,
          text,
        },
      })
      expect(res.ok(), await res.text()).toBe(true)
      return ((await res.json()) as { chatId: string }).chatId
    },
  }
}

/** A signed-in API client. */
async function apiAs(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post(`${server.baseURL}/api/auth/login`, {
    data: { login, password: server.password },
  })
  expect(res.ok(), await res.text()).toBe(true)
  const { token } = (await res.json()) as { token: string }
  const headers = { authorization: `Bearer ${token}` }
  const call = async (method: 'POST' | 'PUT', url: string, data?: unknown) => {
    const r = await request.fetch(`${server.baseURL}${url}`, { method, headers, ...(data ? { data } : {}) })
    expect(r.ok(), `${method} ${url}: ${await r.text()}`).toBe(true)
    return r.json().catch(() => null)
  }
  return { call }
}

/** A CRM stand-in: answers the statuses in `plan` (then 200), keeps every request. */
async function crmStandIn() {
  const hits: { headers: http.IncomingHttpHeaders; body: string; status: number }[] = []
  const plan: number[] = []
  const answered: ((n: number) => void)[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = plan.shift() ?? 200
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status })
      res.statusCode = status
      res.on('finish', () => {
        for (const f of answered.splice(0)) f(hits.length)
      })
      res.end(status === 200 ? 'ok' : 'try later')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    hits,
    plan,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/frontline`,
    /** Resolves once the n-th request has been answered. */
    answeredN: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (count: number) => (count >= n ? resolve() : answered.push(check))
        check(hits.length)
      }),
    close: () => new Promise((r) => server.close(r)),
  }
}

const openRequests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()

test('T11 lead from the demo site reaches two operators, one opens it (taken)', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  const one = await operatorPhone(browser, server, 'op1@demo')
  const two = await operatorPhone(browser, server, 'op2@demo')
  const oneName = server.accounts.find((a) => a.login === 'op1@demo')?.name ?? ''
  for (const p of [one.page, two.page]) {
    await openRequests(p)
    await p.getByRole('tab', { name: /^Leads/ }).click()
  }
  // The visitor leaves contacts on the demo site (a context of his own); no chat, no conversation.
  const site = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await site.newPage()
  await page.goto('/site/')
  const name = `Мария ${randomUUID().slice(0, 6)}`
  const form = page.getByRole('region', { name: 'Leave a request' })
  await form.getByLabel('Name', { exact: true }).fill(name)
  await form.getByLabel('Phone', { exact: true }).fill('+7 916 555-12-34')
  await form.getByLabel('E-mail', { exact: true }).fill('maria@example.com')
  await form.getByLabel('Comment (optional)').fill('Call me after lunch <b>please</b>')
  await form.getByRole('button', { name: 'Leave request' }).click()
  await expect(form.getByRole('status')).toHaveText(/Thank you/)
  // Live on both operators' screens, new (no distribution: every operator is told).
  const row = (p: Page) => p.getByRole('link', { name: new RegExp(`^Open the lead from ${name}`) })
  for (const p of [one.page, two.page]) await expect(row(p)).toHaveAccessibleName(/New/)
  // op1 opens it: it is his. op2's list says who took it, live.
  await row(one.page).click()
  await expect(one.page.getByRole('status').filter({ hasText: 'You took this lead' })).toBeVisible()
  await expect(one.page.getByText('Call me after lunch <b>please</b>')).toBeVisible()
  await expect(one.page.getByRole('button', { name: `Call ${name}` })).toBeVisible()
  await expect(one.page.getByRole('link', { name: `Write an e-mail to ${name}` })).toHaveAttribute(
    'href',
    'mailto:maria@example.com',
  )
  await expect(row(two.page)).toHaveAccessibleName(new RegExp(`Taken by ${oneName}`))
  // On a phone the row shows the whole number (the state is on a line of its own, not beside it).
  const phone = row(two.page).getByText('+7 916 555-12-34', { exact: true })
  await expect(phone).toBeVisible()
  // Its right edge is inside the line that clips (nothing of it cut by the ellipsis).
  const cut = await phone.evaluate((e) => {
    const line = e.parentElement?.getBoundingClientRect()
    return !line || e.getBoundingClientRect().right > line.right + 0.5
  })
  expect(cut).toBe(false)
  // op2 opening it only reads it: taken by op1, no Complete and no Call for him (op1 calls).
  await row(two.page).click()
  await expect(two.page.getByRole('status').filter({ hasText: `Taken by ${oneName}` })).toBeVisible()
  await expect(two.page.getByRole('button', { name: 'Complete lead' })).toHaveCount(0)
  await expect(two.page.getByRole('button', { name: `Call ${name}` })).toHaveCount(0)
  // op1 completes it; op2 sees it completed, live.
  await one.page.getByRole('button', { name: 'Complete lead' }).click()
  await expect(two.page.getByRole('status').filter({ hasText: 'Completed' })).toBeVisible()
  await Promise.all([one.context.close(), two.context.close(), site.close()])
})

/** `YYYY-MM-DDTHH:mm:ss`, local time (what the datetime-local input takes). */
const local = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

test('T12 a scheduled message goes out on time after a server restart, another cancelled never goes', async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000)
  const own = await ownServer()
  try {
    const { server } = own
    const clientName = `WA ${randomUUID().slice(0, 6)}`
    const chatId = await own.inbound(request, 'whatsapp', clientName, 'Когда доставка?')
    const op = await operatorPhone(browser, server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    await op.page.goto(`/requests/${chatId}`)
    const accept = op.page.getByRole('button', { name: 'Accept chat' })
    const box = op.page.getByRole('textbox', { name: 'Message' })
    await expect(accept.or(box)).toBeVisible()
    if (await accept.isVisible()) await accept.click()
    await expect(box).toBeVisible()
    // Two messages for later: B (to be cancelled) due before A, so A going out proves B's time passed.
    const t0 = Date.now()
    const schedule = async (text: string, at: Date) => {
      await box.fill(text)
      await op.page.getByRole('button', { name: 'Schedule for later' }).click()
      await expect(op.page.getByRole('textbox', { name: 'Message to send later' })).toHaveValue(text)
      await op.page.getByLabel('Send at').fill(local(at))
      await op.page.getByRole('button', { name: 'Schedule message' }).click()
      await expect(op.page.getByRole('list', { name: 'Scheduled messages' }).getByText(text)).toBeVisible()
    }
    await schedule('Сообщение B, отменённое', new Date(t0 + 60_000))
    await schedule('Сообщение A, после перезапуска', new Date(t0 + 70_000))
    // Editable until sent: A's text changes.
    const list = op.page.getByRole('list', { name: 'Scheduled messages' })
    await list
      .getByRole('listitem')
      .filter({ hasText: 'Сообщение A' })
      .getByRole('button', { name: /^Edit/ })
      .click()
    await op.page.getByRole('textbox', { name: 'Message to send later' }).fill('Сообщение A, исправленное')
    await op.page.getByRole('button', { name: 'Save changes' }).click()
    await expect(list.getByText('Сообщение A, исправленное')).toBeVisible()
    // B cancelled.
    await list
      .getByRole('listitem')
      .filter({ hasText: 'Сообщение B' })
      .getByRole('button', { name: /^Cancel/ })
      .click()
    await expect(list.getByText('Сообщение B')).toHaveCount(0)
    // A precondition of the scenario, not a timing of the product: both still ahead when the restart begins.
    expect(Date.now() - t0, 'the steps before the restart took too long for the times chosen').toBeLessThan(
      50_000,
    )
    // The server restarts before either is due.
    await server.restart()
    // A goes out on its own after the restart (the app reconnects and shows it). The conversation's
    // list by its exact name: "Messages" alone also matches "Scheduled messages", where A already was.
    const messages = op.page.getByRole('list', { name: 'Messages', exact: true })
    await expect(messages.getByText('Сообщение A, исправленное')).toBeVisible({ timeout: 90_000 })
    // The list follows from the feed the app resumes after the restart (with its first-connection
    // loads, slower on a loaded machine than the message itself).
    await expect(list.getByText('Сообщение A')).toHaveCount(0, { timeout: 30_000 })
    // B was due before A: had it not been cancelled it would be there already.
    await expect(messages.getByText('Сообщение B')).toHaveCount(0)
    await op.context.close()
  } finally {
    await own.dispose()
  }
})

test('T13 CRM webhook answers 500 twice then 200: delivered once with the same delivery id, also when the server is killed (-9) between retries', async ({
  request,
}) => {
  test.setTimeout(150_000)
  const own = await ownServer()
  const crm = await crmStandIn()
  try {
    const { server } = own
    const admin = await apiAs(request, server, 'admin@demo')
    const { secret } = (await admin.call('PUT', '/api/admin/crm-webhook', { url: crm.url })) as {
      secret: string
    }
    const op = await apiAs(request, server, 'op1@demo')
    await op.call('PUT', '/api/me/status', { status: 'available' })
    const chatId = await own.inbound(request, 'telegram_bot', 'Пётр', 'Нужен диван')
    await op.call('POST', `/api/chats/${chatId}/accept`)
    crm.plan.push(500, 500)
    await op.call('POST', `/api/chats/${chatId}/complete`)
    // The second 500 answered and its failure recorded (the worker logs it): kill -9 before the retry.
    await crm.answeredN(2)
    await expect
      .poll(() => own.output().split('job failed').length - 1, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2)
    await own.kill9()
    // The restarted server retries by itself until the CRM says 200.
    await expect.poll(() => crm.hits.filter((h) => h.status === 200).length, { timeout: 90_000 }).toBe(1)
    const ids = new Set(crm.hits.map((h) => h.headers['x-frontline-delivery']))
    expect(ids.size).toBe(1)
    expect(crm.hits.map((h) => h.status)).toEqual([500, 500, 200])
    expect(new Set(crm.hits.map((h) => h.body)).size).toBe(1)
    for (const h of crm.hits) {
      const ts = String(h.headers['x-frontline-timestamp'])
      expect(h.headers['x-frontline-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(`${ts}.${h.body}`).digest('hex')}`,
      )
    }
    const body = JSON.parse(crm.hits[0]?.body ?? '{}') as {
      deliveryId: string
      event: string
      chat: { id: string }
    }
    expect(body).toMatchObject({ deliveryId: [...ids][0], event: 'chat.completed', chat: { id: chatId } })
  } finally {
    await crm.close()
    await own.dispose()
  }
})

test('T13 "Send to CRM" from an open chat', async ({ browser, request }) => {
  test.setTimeout(90_000)
  const own = await ownServer()
  const crm = await crmStandIn()
  try {
    const { server } = own
    const admin = await apiAs(request, server, 'admin@demo')
    const { secret } = (await admin.call('PUT', '/api/admin/crm-webhook', { url: crm.url })) as {
      secret: string
    }
    const chatId = await own.inbound(request, 'viber', 'Ольга', 'Здравствуйте, хочу заказать стол')
    const op = await operatorPhone(browser, server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    await op.page.goto(`/requests/${chatId}`)
    const accept = op.page.getByRole('button', { name: 'Accept chat' })
    const box = op.page.getByRole('textbox', { name: 'Message' })
    await expect(accept.or(box)).toBeVisible()
    if (await accept.isVisible()) await accept.click()
    await expect(box).toBeVisible()
    await op.page.getByRole('button', { name: 'More actions' }).click()
    await op.page.getByRole('menuitem', { name: 'Send to CRM' }).click()
    await expect(op.page.getByText('Sent to CRM')).toBeVisible()
    await expect.poll(() => crm.hits.length, { timeout: 30_000 }).toBe(1)
    const hit = crm.hits[0]
    const ts = String(hit?.headers['x-frontline-timestamp'])
    expect(hit?.headers['x-frontline-signature']).toBe(
      `sha256=${createHmac('sha256', secret).update(`${ts}.${hit?.body}`).digest('hex')}`,
    )
    const body = JSON.parse(hit?.body ?? '{}') as {
      event: string
      chat: { id: string; state: string; client: { name: string }; transcript: { text: string }[] }
    }
    expect(body.event).toBe('chat.sent')
    expect(body.chat).toMatchObject({ id: chatId, state: 'active', client: { name: 'Ольга' } })
    expect(body.chat.transcript.map((m) => m.text)).toEqual(['Здравствуйте, хочу заказать стол'])
    await op.context.close()
  } finally {
    await crm.close()
    await own.dispose()
  }
})

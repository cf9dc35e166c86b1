/**
 * Issue 12 §1–3 in real browsers: the tracking snippet on the demo site (I3), Insider on the incoming
 * call screen and in a chat, live while the visitor browses (I1), the On site tab (I2), CRM buttons.
 * The visitor is a browser context of his own; a second tab of his is "browsing while the call rings".
 * Public locations behind the trusted proxy are the integration test's (server/http/tracking.test.ts):
 * here every browser is on loopback, which Insider must say honestly.
 */
import type { APIRequestContext, BrowserContext, Page } from '@playwright/test'
import type { InsiderView } from '../contract/tracking.ts'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'
import {
  closeAll,
  everyoneOff,
  history,
  incoming,
  openPhone,
  siteCustomer,
  tokenOf,
} from './phone-helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 150_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

/** The visitor token the snippet stored on the site (the chat widget's record). */
async function siteToken(page: Page): Promise<string> {
  let token = ''
  await expect
    .poll(async () => {
      token = await page.evaluate(
        () =>
          (JSON.parse(localStorage.getItem('frontline.widget.demo') ?? '{}') as { token?: string }).token ??
          '',
      )
      return token.length > 0
    })
    .toBe(true)
  return token
}

/** What Insider should say of the page's device: the project may emulate a phone. */
async function deviceKind(page: Page): Promise<string> {
  return (await page.evaluate(() => navigator.userAgent)).includes('Mobile') ? 'mobile' : 'desktop'
}

async function visitorIdOf(
  request: APIRequestContext,
  server: FrontlineServer,
  token: string,
): Promise<string> {
  const r = await request.post(`${server.baseURL}/api/visitor/session`, {
    data: { tenant: 'demo', token, page: { url: `${server.baseURL}/site/`, referrer: null } },
  })
  expect(r.ok()).toBe(true)
  return ((await r.json()) as { visitorId: string }).visitorId
}

async function insiderOf(request: APIRequestContext, server: FrontlineServer, visitorId: string) {
  const r = await request.get(`${server.baseURL}/api/insider/visitors/${visitorId}`, {
    headers: { authorization: `Bearer ${await tokenOf(request, server, 'op1@demo')}` },
  })
  expect(r.ok()).toBe(true)
  return ((await r.json()) as { insider: InsiderView }).insider
}

async function openWidget(page: Page) {
  const launcher = page.getByRole('button', { name: /chat with us|напишите нам/i })
  await expect(launcher).toBeVisible()
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click()
  await expect(page.getByRole('dialog', { name: /^chat$|^чат$/i })).toBeVisible()
}

/** A visitor on the demo site (with `query`) who wrote `text` in the chat; returns his chat id too. */
async function writingVisitor(
  browser: Parameters<typeof operatorPhone>[0],
  request: APIRequestContext,
  server: FrontlineServer,
  query: string,
  text: string,
) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(`/site/${query}`)
  const token = await siteToken(page)
  await openWidget(page)
  const message = page.getByRole('textbox', { name: /^message$/i })
  await message.fill(text)
  await message.press('Enter')
  await expect(page.getByRole('list', { name: /^chat$/i }).getByText(text)).toContainText('sent', {
    timeout: 20_000,
  })
  // One identity: the widget wrote as the snippet's visitor (its token renewed, the visitor the same).
  const visitorId = await visitorIdOf(request, server, token)
  expect(await visitorIdOf(request, server, await siteToken(page))).toBe(visitorId)
  const headers = { authorization: `Bearer ${await tokenOf(request, server, 'op1@demo')}` }
  // New chats are listed to an operator whose status takes them.
  expect(
    (await request.put(`${server.baseURL}/api/me/status`, { headers, data: { status: 'available' } })).ok(),
  ).toBe(true)
  let chatId = ''
  await expect
    .poll(async () => {
      const r = await request.get(`${server.baseURL}/api/chats?tab=new`, { headers })
      const body = (await r.json()) as { chats?: { id: string; visitorId: string | null }[] }
      chatId = (body.chats ?? []).find((c) => c.visitorId === visitorId)?.id ?? ''
      return chatId
    })
    .not.toBe('')
  return { context, page, token, visitorId, chatId }
}

test('I3 a visitor browses the demo site with UTM tags and the visits are recorded', async ({
  browser,
  request,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const private_ = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  try {
    const page = await visitor.newPage()
    await page.goto('/site/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring')
    const token = await siteToken(page)
    await page.goto('/site/?section=prices')
    const visitorId = await visitorIdOf(request, server, token)
    await expect.poll(async () => (await insiderOf(request, server, visitorId)).topPages[0]?.views).toBe(2)
    const i = await insiderOf(request, server, visitorId)
    expect(i.visits).toBe(1)
    expect(i.utm).toEqual({ source: 'yandex', medium: 'cpc', campaign: 'spring' })
    expect(i.currentPage?.url).toContain('/site/?section=prices')
    expect(i.topPages[0]?.page).toBe(`${server.baseURL}/site/`)
    expect(i.browser).toMatch(/^(Chrome|Chromium) \d+/)
    expect(i.device.startsWith(await deviceKind(page))).toBe(true)
    // Loopback is said to be loopback, not guessed at.
    expect(i.location).toEqual({ kind: 'loopback' })

    // Global Privacy Control on: the snippet sends nothing and stores nothing.
    await private_.addInitScript(() =>
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }),
    )
    const quiet = await private_.newPage()
    const sent: string[] = []
    quiet.on('request', (r) => {
      if (r.url().includes('/api/track/')) sent.push(r.url())
    })
    await quiet.goto('/site/?utm_source=dnt')
    await expect(quiet.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
    await quiet.reload()
    await expect(quiet.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
    expect(sent).toEqual([])
    expect(await quiet.evaluate(() => localStorage.getItem('frontline.widget.demo'))).toBeNull()
  } finally {
    await visitor.close()
    await private_.close()
  }
})

test('I1 the visitor calls from the site → the operator’s incoming screen shows the page, top pages, device, visits and UTM before answering, and a page change while ringing updates it', async ({
  browser,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const customer = await siteCustomer(browser, server, '+79165550141')
  let tab2: Page | null = null
  try {
    await customer.page.goto('/site/?utm_source=yandex&utm_campaign=calls')
    await expect(customer.page.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
    await siteToken(customer.page)
    await customer.page.getByLabel(/your phone number/i).fill('+79165550141')
    await customer.call('Sales')
    const screen = incoming(op1.page)
    await expect(screen).toBeVisible({ timeout: 15_000 })
    const insider = screen.getByTestId('insider')
    await expect(insider.getByTestId('insider-page')).toContainText('utm_source=yandex')
    await expect(insider.getByTestId('insider-utm-source')).toHaveText('yandex')
    await expect(insider.getByTestId('insider-utm-campaign')).toHaveText('calls')
    await expect(insider.getByTestId('insider-device')).toContainText(await deviceKind(customer.page))
    await expect(insider.getByTestId('insider-visits')).toHaveText('1')
    await expect(insider.getByTestId('insider-top')).toContainText('/site/')
    await expect(insider.getByTestId('insider-location')).toHaveText(/loopback/i)
    // Still ringing: the visitor opens another page in a second tab; the screen follows.
    tab2 = await customer.context.newPage()
    await tab2.goto('/site/?section=delivery')
    await expect(insider.getByTestId('insider-page')).toContainText('section=delivery')
    await expect(screen).toBeVisible()
    await expect(insider.getByTestId('insider-top')).toContainText('×3')
  } finally {
    await customer.hangUp().catch(() => {})
    await closeAll(customer, op1)
  }
})

test('I1 after the call, the call details screen still shows what the visitor read on the site', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const customer = await siteCustomer(browser, server, '+79165550143')
  try {
    await customer.page.goto('/site/?section=warranty')
    await expect(customer.page.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
    await siteToken(customer.page)
    await customer.page.getByLabel(/your phone number/i).fill('+79165550143')
    await customer.call('Sales')
    await expect(incoming(op1.page)).toBeVisible({ timeout: 15_000 })
    await customer.hangUp()
    await expect(incoming(op1.page)).toBeHidden()
    let id = ''
    await expect
      .poll(async () => {
        id = String((await history(request, server, 'op1@demo', '79165550143'))[0]?.id ?? '')
        return id
      })
      .not.toBe('')
    await op1.page.goto(`/calls/${id}`)
    const insider = op1.page.getByTestId('insider')
    await expect(insider.getByTestId('insider-page')).toContainText('section=warranty')
    await expect(insider.getByTestId('insider-top')).toContainText('/site/')
  } finally {
    await closeAll(customer, op1)
  }
})

test('I1 the same on a chat', async ({ browser, request, server }) => {
  const v = await writingVisitor(
    browser,
    request,
    server,
    '?utm_source=google&utm_medium=cpc',
    'Do you ship to Kazan?',
  )
  const op = await operatorPhone(browser, server, 'op1@demo', { locale: 'en-US' })
  try {
    await op.page.goto(`/requests/${v.chatId}`)
    const insider = op.page.getByTestId('insider')
    await expect(insider.getByTestId('insider-page')).toContainText('utm_source=google')
    await expect(insider.getByTestId('insider-utm-source')).toHaveText('google')
    await expect(insider.getByTestId('insider-utm-medium')).toHaveText('cpc')
    await expect(insider.getByTestId('insider-device')).toContainText(await deviceKind(v.page))
    await expect(insider.getByTestId('insider-visits')).toHaveText('1')
    const tab2 = await v.context.newPage()
    await tab2.goto('/site/?section=contacts')
    await expect(insider.getByTestId('insider-page')).toContainText('section=contacts')
  } finally {
    await closeAll(v as { context: BrowserContext }, op)
  }
})

test('I2 the visitor appears on the On site tab and disappears when they leave', async ({
  browser,
  request,
  server,
}) => {
  const op = await operatorPhone(browser, server, 'op1@demo', { locale: 'en-US' })
  await op.page.goto('/onsite')
  const v = await writingVisitor(browser, request, server, '?utm_source=onsite', 'Are you open on Sunday?')
  try {
    const row = op.page.locator(`[data-testid="onsite-row"][data-visitor="${v.visitorId}"]`)
    await v.page.goto('/site/?section=catalog')
    await expect(row).toBeVisible()
    await expect(row.getByTestId('onsite-page')).toBeVisible()
    await expect(row.getByRole('button', { name: 'Write' })).toBeVisible()
    await row.getByRole('button', { name: 'Insider' }).click()
    await expect(row.getByTestId('insider-page')).toContainText('section=catalog')
    // He leaves the site (the page closes: pagehide).
    await v.page.goto('about:blank')
    await expect(row).toBeHidden()
  } finally {
    await closeAll(v as { context: BrowserContext }, op)
  }
})

test('I1 CRM buttons', async ({ browser, request, server }) => {
  const admin = { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
  const put = await request.put(`${server.baseURL}/api/admin/crm-cards`, {
    headers: admin,
    data: {
      templates: [
        { name: 'Deal', url: 'https://crm.example.com/deals?client={clientId}' },
        { name: 'Contact', url: 'https://crm.example.com/contacts/{clientId}' },
      ],
    },
  })
  expect(put.ok()).toBe(true)
  const v = await writingVisitor(browser, request, server, '', 'Please call me back')
  const op = await operatorPhone(browser, server, 'op1@demo', { locale: 'en-US' })
  try {
    await op.page.goto(`/requests/${v.chatId}`)
    // On a phone a chat's Insider starts folded to one line: the operator opens it.
    const insider = op.page.getByTestId('insider')
    if (!(await insider.evaluate((d) => (d as HTMLDetailsElement).open)))
      await insider.locator('summary').click()
    const deal = op.page.getByRole('link', { name: 'Open in CRM: Deal' })
    await expect(deal).toHaveAttribute('href', `https://crm.example.com/deals?client=${v.visitorId}`)
    await expect(op.page.getByRole('link', { name: 'Open in CRM: Contact' })).toHaveAttribute(
      'href',
      `https://crm.example.com/contacts/${v.visitorId}`,
    )
    await expect(deal).toHaveAttribute('target', '_blank')
  } finally {
    await request.put(`${server.baseURL}/api/admin/crm-cards`, { headers: admin, data: { templates: [] } })
    await closeAll(v as { context: BrowserContext }, op)
  }
})

test('I2 an On site row says the page, the source, the visits and "in chat"; a tap on it opens Insider', async ({
  browser,
  request,
  server,
}) => {
  const v = await writingVisitor(
    browser,
    request,
    server,
    '?section=prices&utm_source=vk&utm_medium=social&utm_campaign=november',
    'How much is delivery?',
  )
  try {
    for (const lang of ['en', 'ru'] as const) {
      const op = await phone360(browser, server, 'op2@demo', lang)
      await op.page.goto('/onsite')
      const row = op.page.locator(`[data-testid="onsite-row"][data-visitor="${v.visitorId}"]`)
      await expect(row.getByTestId('onsite-page')).toHaveText('/site/?section=prices')
      await expect(row).toContainText('vk · social · november')
      await expect(row).toContainText(lang === 'en' ? 'visits: 1' : 'визитов: 1')
      await expect(row).toContainText(lang === 'en' ? 'in chat' : 'в чате')
      await op.page.screenshot({ path: `${SHOTS}/16-onsite-${lang}.png` })
      await row.getByTestId('onsite-page').click()
      await expect(row.getByTestId('insider-page')).toContainText('section=prices')
      await op.context.close()
    }
  } finally {
    await closeAll(v as { context: BrowserContext })
  }
})

test('I1 in a chat on a 360 px phone Insider starts folded to one line and remembers being opened', async ({
  browser,
  request,
  server,
}) => {
  const v = await writingVisitor(
    browser,
    request,
    server,
    '?section=prices&utm_source=vk&utm_medium=social',
    'Is there a discount?',
  )
  try {
    for (const lang of ['en', 'ru'] as const) {
      const op = await phone360(browser, server, 'op1@demo', lang)
      await op.page.goto(`/requests/${v.chatId}`)
      const insider = op.page.getByTestId('insider')
      await expect(insider.locator('.insider-summary')).toHaveText(
        `vk · social · /site/?section=prices · ${lang === 'en' ? 'visits' : 'визитов'}: 1`,
      )
      expect(await insider.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
      await expect(insider.getByTestId('insider-page')).toBeHidden()
      await op.page.screenshot({ path: `${SHOTS}/27-chat-insider-folded-${lang}.png` })
      await insider.locator('summary').click()
      await expect(insider.getByTestId('insider-page')).toBeVisible()
      await op.page.reload()
      await expect(op.page.getByTestId('insider').getByTestId('insider-page')).toBeVisible()
      await op.context.close()
    }
    // A wide screen has room: open at first.
    const wide = await phone360(browser, server, 'op1@demo', 'en', { viewport: { width: 1280, height: 800 } })
    await wide.page.goto(`/requests/${v.chatId}`)
    await expect(wide.page.getByTestId('insider').getByTestId('insider-page')).toBeVisible()
    await wide.context.close()
  } finally {
    await closeAll(v as { context: BrowserContext })
  }
})

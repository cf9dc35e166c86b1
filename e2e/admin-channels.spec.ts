/**
 * Issue 13 §2, SPEC T1/A5: the admin's Channels screen. An admin connects a channel on the screen, is
 * shown its webhook URL and secret once, and a client's message sent there arrives in Requests; a new
 * secret retires the old one; Disconnect stops the webhook; connect errors show at their field.
 */
import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import type { APIRequestContext, Page } from '@playwright/test'
import { frontlineHeaders } from '../server/channels/gateway/index.ts'
import { startProviderStandin } from '../server/test/provider-standin.ts'
import { apiAs, freshMobile } from './channels-helpers.ts'
import { expect, type FrontlineServer, ownServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'
import { PHONE_360, phone360, SHOTS } from './phone360.ts'

test.describe.configure({ timeout: 120_000 })

/** A client's message through the Frontline gateway protocol, signed with `secret` (docs/api.md). */
function gatewayPost(request: APIRequestContext, url: string, secret: string, text: string, from: string) {
  const raw = JSON.stringify({
    type: 'message',
    id: `sms-${randomUUID()}`,
    from: { address: from, phone: from },
    text,
  })
  return request.post(url, {
    data: raw,
    headers: { 'content-type': 'application/json', ...frontlineHeaders(secret, raw) },
  })
}

/** The once-shown webhook URL and secret, read from the card the screen shows. */
async function shownOnce(page: Page) {
  const card = page.getByRole('status').filter({ has: page.getByTestId('once-secret') })
  await expect(card).toBeVisible()
  return {
    card,
    url: (await card.getByTestId('once-webhook').textContent()) ?? '',
    secret: (await card.getByTestId('once-secret').textContent()) ?? '',
  }
}

/** Connects an SMS channel through the admin API (the setup of the rotate test). */
async function connectSms(request: APIRequestContext, server: FrontlineServer, name: string) {
  const admin = await apiAs(request, server, 'admin@demo')
  const r = await request.post(`${server.baseURL}/api/admin/channels`, {
    headers: admin.headers,
    data: { kind: 'sms', name, config: { url: 'http://127.0.0.1:9/gateway' } },
  })
  expect(r.status(), await r.text()).toBe(201)
  return (await r.json()) as { secret: string; webhookUrl: string; channel: { id: string } }
}

test("T1 the admin connects an SMS gateway channel on the Channels screen: the webhook URL and secret are shown once, and a client's message sent to that URL with that secret arrives in Requests", async ({
  browser,
  request,
  server,
}) => {
  const stand = await startProviderStandin()
  const op = await operatorPhone(browser, server, 'op1@demo', { locale: 'en-US' })
  const admin = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US', viewport: PHONE_360 })
  try {
    await chooseStatus(op.page, /Available/)
    await op.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Requests' })
      .click()

    const page = admin.page
    await page.goto('/admin')
    await page.getByRole('link', { name: /^Channels/ }).click()
    await expect(page.getByRole('heading', { name: 'Website chat' })).toBeVisible()
    await page.getByRole('button', { name: 'Connect a channel' }).click()
    const form = page.getByRole('form', { name: 'Connect a channel' })
    await form.getByLabel('Channel type').selectOption({ label: 'SMS' })
    const name = `SMS ${randomUUID().slice(0, 6)}`
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Gateway address').fill(`${stand.url}/gateway`)
    await form.getByRole('switch', { name: 'Sales' }).check()
    await form.getByRole('button', { name: 'Connect', exact: true }).click()

    const once = await shownOnce(page)
    await expect(once.card.getByRole('heading', { name: 'Copy now: it is not shown again' })).toBeVisible()
    expect(once.url).toMatch(new RegExp(`^${server.baseURL}/api/hooks/gateway/[\\w-]+$`))
    expect(once.secret.length).toBeGreaterThan(8)
    await expect(once.card.getByRole('button', { name: 'Copy Webhook URL' })).toBeVisible()
    await expect(once.card.getByRole('button', { name: 'Copy Secret' })).toBeVisible()
    // The list shows the channel: kind, connected, the same webhook URL, and only the secret's hint.
    const row = page.getByRole('listitem', { name })
    await expect(row).toContainText('SMS')
    await expect(row).toContainText('Connected')
    await expect(row.locator('code')).toHaveText(once.url)
    await expect(row).toContainText(`••••${once.secret.slice(-4)}`)
    await expect(row).not.toContainText(once.secret)
    // 360 px in English: the card and the list's long URLs wrap instead of running off the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE_360.width,
    )
    await page.screenshot({ path: `${SHOTS}/admin-channels-once-en.png`, fullPage: true })
    // Shown once: closed, it is gone, and a reload does not bring it back.
    await once.card.getByRole('button', { name: 'I have copied them' }).click()
    await expect(page.getByTestId('once-secret')).toHaveCount(0)
    await page.reload()
    await expect(page.getByRole('listitem', { name })).toBeVisible()
    await expect(page.getByText(once.secret)).toHaveCount(0)

    // The client writes through the gateway, signed with that secret, to that URL.
    const text = `Where is my order? ${randomUUID().slice(0, 6)}`
    const r = await gatewayPost(request, once.url, once.secret, text, freshMobile())
    expect(r.status(), await r.text()).toBe(200)
    await expect(op.page.getByText(text)).toBeVisible({ timeout: 20_000 })
  } finally {
    await op.context.close()
    await admin.context.close()
    await stand.close()
  }
})

test('T1 a new secret from the Channels screen: the old one is refused, the new one works; Disconnect stops the webhook', async ({
  browser,
  request,
  server,
}) => {
  const name = `Rotate ${randomUUID().slice(0, 6)}`
  const first = await connectSms(request, server, name)
  const phone = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  try {
    const page = phone.page
    await page.goto('/admin/channels')
    // Edit first: a new gateway address and chat groups; the name stays (PATCH merges).
    await page
      .getByRole('listitem', { name })
      .getByRole('button', { name: `Edit ${name}` })
      .click()
    const edit = page.getByRole('form', { name: `Edit ${name}` })
    await expect(edit.getByLabel('Gateway address')).toHaveValue('http://127.0.0.1:9/gateway')
    await edit.getByLabel('Gateway address').fill('http://127.0.0.1:10/gateway')
    await edit.getByRole('switch', { name: 'Support' }).check()
    await edit.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(edit).toHaveCount(0)
    const admin = await apiAs(request, server, 'admin@demo')
    const { channels } = (await (
      await request.get(`${server.baseURL}/api/admin/channels`, { headers: admin.headers })
    ).json()) as { channels: { id: string; name: string; config: Record<string, unknown> }[] }
    const stored = channels.find((c) => c.id === first.channel.id)
    expect(stored?.name).toBe(name)
    expect(stored?.config.url).toBe('http://127.0.0.1:10/gateway')
    expect(stored?.config.groupIds).toHaveLength(1)

    const row = page.getByRole('listitem', { name })
    await expect(row).toContainText(`••••${first.secret.slice(-4)}`)
    await row.getByRole('button', { name: `New secret for ${name}` }).click()
    const dialog = page.getByRole('alertdialog', { name: `A new secret for ${name}?` })
    await dialog.getByRole('button', { name: 'New secret' }).click()
    const next = await shownOnce(page)
    expect(next.secret).not.toBe(first.secret)
    await expect(row).toContainText(`••••${next.secret.slice(-4)}`)
    await expect(row.locator('code')).toHaveText(next.url)
    await next.card.getByRole('button', { name: 'I have copied them' }).click()

    const from = freshMobile()
    // The old URL and secret are refused, and so is the old secret at the new URL.
    expect((await gatewayPost(request, first.webhookUrl, first.secret, 'old', from)).status()).toBe(404)
    expect((await gatewayPost(request, next.url, first.secret, 'old secret', from)).status()).toBe(401)
    expect((await gatewayPost(request, next.url, next.secret, 'new secret', from)).status()).toBe(200)

    await row.getByRole('button', { name: `Disconnect ${name}` }).click()
    await page
      .getByRole('alertdialog', { name: `Disconnect ${name}?` })
      .getByRole('button', { name: 'Disconnect' })
      .click()
    await expect(row).toContainText('Disconnected')
    await expect(row.getByRole('button', { name: `Disconnect ${name}` })).toHaveCount(0)
    const after = await gatewayPost(request, next.url, next.secret, 'after disconnect', from)
    expect(after.status()).toBe(404)
  } finally {
    await phone.context.close()
  }
})

test('T1 connect errors show at their field (a bad bot token, a private provider URL) in Russian at 360 px, nothing typed lost', async ({
  browser,
}) => {
  // The harness allows private provider hosts for its stand-ins; this server refuses them, as in production.
  const own = await ownServer({ PROVIDER_ALLOW_PRIVATE: '0' })
  const admin = await phone360(browser, own.server, 'admin@demo', 'ru')
  try {
    const page = admin.page
    await page.goto('/admin/channels')
    await page.getByRole('button', { name: 'Подключить канал' }).click()
    const form = page.getByRole('form', { name: 'Подключить канал' })
    await form.getByLabel('Тип канала').selectOption({ label: 'Telegram-бот' })
    await form.getByLabel('Название').fill('Бот продаж')
    await form.getByLabel('Адрес (необязательно)').fill('@sales_bot')
    const token = form.getByLabel('Токен бота', { exact: true })
    await token.fill('not-a-bot-token')
    await form.getByRole('button', { name: 'Показать: Токен бота' }).click()
    await expect(token).toHaveAttribute('type', 'text')
    await form.getByRole('button', { name: 'Подключить', exact: true }).click()

    await expect(token).toHaveAttribute('aria-invalid', 'true')
    await expect(token).toHaveAccessibleDescription(/Проверьте значение\. От @BotFather/)
    await expect(token).toBeFocused()
    await expect(token).toHaveValue('not-a-bot-token')
    await expect(form.getByLabel('Название')).toHaveValue('Бот продаж')
    await expect(form.getByLabel('Адрес (необязательно)')).toHaveValue('@sales_bot')

    // A private provider URL (a gateway on this machine's loopback) is refused at the URL field.
    await form.getByLabel('Тип канала').selectOption({ label: 'SMS' })
    const url = form.getByLabel('Адрес шлюза')
    await url.fill('http://127.0.0.1:9/gateway')
    await form.getByRole('button', { name: 'Подключить', exact: true }).click()
    await expect(url).toHaveAttribute('aria-invalid', 'true')
    await expect(form.locator('#chan-config-url-err')).toHaveText(/Адрес провайдера указывает на этот сервер/)
    await expect(url).toHaveValue('http://127.0.0.1:9/gateway')
    await expect(form.getByLabel('Название')).toHaveValue('Бот продаж')
    // An e-mail address outside the company's mail domain: at the address field, with the domain.
    await form.getByLabel('Тип канала').selectOption({ label: 'E-mail' })
    await form.getByLabel('Адрес (необязательно)').fill('sales@gmail.com')
    await form.getByRole('button', { name: 'Подключить', exact: true }).click()
    const address = form.getByLabel('Адрес (необязательно)')
    await expect(address).toHaveAttribute('aria-invalid', 'true')
    await expect(form.locator('#chan-address-err')).toHaveText(
      /^Адрес канала e-mail должен быть в почтовом домене вашей компании.*Например: sales@demo\.frontline\.local$/,
    )
    await expect(url).toHaveCount(0)
    await expect(address).toHaveValue('sales@gmail.com')
    // Back to the bot: its token is still there.
    await form.getByLabel('Тип канала').selectOption({ label: 'Telegram-бот' })
    await expect(form.getByLabel('Токен бота', { exact: true })).toHaveValue('not-a-bot-token')

    await page.screenshot({ path: `${SHOTS}/admin-channels-errors-ru.png`, fullPage: true })
    // 360 px: nothing runs off the screen, every control is a 44 px target, axe finds nothing serious.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE_360.width,
    )
    const small = await page
      .locator(
        'main button:visible, main input:not([type=checkbox]):visible, main select:visible, main .switch:visible',
      )
      .evaluateAll((els) =>
        els
          .map((e) => ({ what: e.outerHTML.slice(0, 80), r: e.getBoundingClientRect() }))
          .filter((x) => x.r.height < 44 || x.r.width < 44 || x.r.right > 360)
          .map((x) => `${x.what} ${Math.round(x.r.width)}×${Math.round(x.r.height)}`),
      )
    expect(small).toEqual([])
    // The screen itself (the header's line state is the shell's, checked by e2e/fit.spec.ts with a PBX).
    const axe = await new AxeBuilder({ page }).include('main').analyze()
    expect(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`)),
    ).toEqual([])
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

/**
 * Probe 13 UI findings 7–11 and 16 (Settings and Channels of a new company's admin, 360 px, Russian and
 * English): the website chat's tag for the site, the one-time secret card, the CRM signing key that a
 * URL fix keeps, the omnichannel switch that asks first, the per-channel auto-complete and the shared
 * templates and CRM links that are edited and deleted only after a confirmation.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { startProviderStandin } from '../server/test/provider-standin.ts'
import { apiAs } from './channels-helpers.ts'
import { expect, ownServer, test } from './fixtures.ts'
import { PHONE_360, phone360 } from './phone360.ts'

test.describe.configure({ timeout: 120_000 })

const clipboard = { permissions: ['clipboard-read', 'clipboard-write'] }

async function fitsAt360(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_360.width)
}

test('T1 the website chat switched on shows its tag for the site with a Copy button; a page with the copied tag gets the chat in the tag’s language', async ({
  browser,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'ru', clipboard)
  const onEnd: (() => Promise<void>)[] = []
  try {
    const page = admin.page
    await page.goto('/admin/channels')
    const card = page.locator('.chan-webchat')
    const sw = card.getByRole('switch', { name: 'Чат на сайте', exact: true })
    // The switch's words follow its state (it said "включён" while off).
    if (await sw.isChecked()) {
      await sw.uncheck()
      await expect(card.getByText('Выключен: на сайте чата нет')).toBeVisible()
      await expect(page.getByTestId('webchat-snippet')).toHaveCount(0)
    }
    await sw.check()
    await expect(card.getByText('Включён: чат виден на вашем сайте')).toBeVisible()
    const snippet = page.getByTestId('webchat-snippet')
    await expect(snippet).toHaveText(
      `<script src="${own.server.baseURL}/widget.js" data-tenant="demo" data-lang="ru" async></script>`,
    )
    await expect(card.getByRole('link', { name: 'Посмотреть на демо-сайте' })).toHaveAttribute(
      'href',
      '/site/',
    )
    await card.getByRole('button', { name: 'Копировать: Код для сайта' }).click()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    await fitsAt360(page)

    // A customer's site — another origin, served by a small HTTP server of the test — with exactly
    // the copied tag: the widget asks for that tenant and shows its launcher in the tag's language.
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(`<!doctype html><title>Shop</title><p>Диваны</p>${copied}`)
    })
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r))
    onEnd.push(() => {
      shop.closeAllConnections()
      return new Promise<void>((r) => shop.close(() => r()))
    })
    const site = await admin.context.newPage()
    const asked = site.waitForResponse((r) => r.url().includes('/api/visitor/open?tenant=demo'))
    await site.goto(`http://127.0.0.1:${(shop.address() as AddressInfo).port}/`)
    expect(await (await asked).json()).toEqual({ open: true })
    const launcher = site.getByRole('button', { name: 'Напишите нам' })
    await expect(launcher).toBeVisible()
    await launcher.click()
    await expect(launcher).toHaveAttribute('aria-expanded', 'true')
  } finally {
    for (const f of onEnd) await f()
    await admin.context.close()
    await own.dispose()
  }
})

test('T1 the one-time secret card closes with "Готово, скопировано" and warns that a loopback webhook address is unreachable for the provider', async ({
  browser,
  server,
}) => {
  const stand = await startProviderStandin()
  const admin = await phone360(browser, server, 'admin@demo', 'ru')
  try {
    const page = admin.page
    await page.goto('/admin/channels')
    await page.getByRole('button', { name: 'Подключить канал' }).click()
    const form = page.getByRole('form', { name: 'Подключить канал' })
    await form.getByLabel('Тип канала').selectOption({ label: 'SMS' })
    await form.getByLabel('Название').fill(`СМС ${Date.now() % 100000}`)
    await form.getByLabel('Адрес шлюза').fill(`${stand.url}/gateway`)
    await form.getByRole('button', { name: 'Подключить', exact: true }).click()
    const card = page.getByRole('status').filter({ has: page.getByTestId('once-secret') })
    await expect(card.getByTestId('once-webhook')).toHaveText(/^http:\/\/127\.0\.0\.1:/)
    await expect(card.getByTestId('once-unreachable')).toHaveText(
      /провайдер до него не достучится.*PUBLIC_BASE_URL/,
    )
    await fitsAt360(page)
    await card.getByRole('button', { name: 'Готово, скопировано' }).click()
    await expect(card).toHaveCount(0)
  } finally {
    await admin.context.close()
    await stand.close()
  }
})

test('A5 CRM webhook: saving the URL again keeps the signing key; a new key is asked for first and shown once with a Copy button, unbroken at 360 px', async ({
  browser,
  request,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'en', clipboard)
  try {
    const page = admin.page
    await page.goto('/admin/settings')
    const crm = page.locator('section', { has: page.getByRole('heading', { name: 'CRM', exact: true }) })
    await crm.getByLabel('Webhook URL').fill('https://crm.example/hoook')
    await crm.getByRole('button', { name: 'Save', exact: true }).click()
    const key = crm.getByTestId('crm-secret')
    await expect(key).toHaveText(/^[\w-]{40,}$/)
    const first = (await key.textContent()) ?? ''
    await crm.getByRole('button', { name: 'Copy Signing key' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first)
    await fitsAt360(page)

    // A typo fixed: the key the CRM holds stays valid (the server keeps it; nothing new is shown).
    await page.reload()
    await crm.getByLabel('Webhook URL').fill('https://crm.example/hook')
    await crm.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(page.getByText('Saved; the signing key is unchanged')).toBeVisible()
    await expect(key).toHaveCount(0)

    // A new key: asked first (Cancel changes nothing), then shown once.
    await crm.getByRole('button', { name: 'New signing key' }).click()
    const ask = page.getByRole('alertdialog', { name: 'Issue a new signing key?' })
    await expect(ask).toContainText('the CRM must be given the new key')
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect(key).toHaveCount(0)
    await crm.getByRole('button', { name: 'New signing key' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'New signing key' }).click()
    await expect(key).toHaveText(/^[\w-]{40,}$/)
    expect(await key.textContent()).not.toBe(first)
    const api = await apiAs(request, own.server, 'admin@demo')
    const got = await request.get(`${own.server.baseURL}/api/admin/crm-webhook`, { headers: api.headers })
    expect(await got.json()).toEqual({ url: 'https://crm.example/hook' })
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

test('A5 the omnichannel switch asks first, naming the employees and open chats it affects; Cancel keeps chats on', async ({
  browser,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'ru')
  try {
    const page = admin.page
    await page.goto('/admin/settings')
    const sw = page.getByRole('switch', { name: 'Чаты и обращения' })
    await expect(sw).toBeChecked()
    await sw.click()
    const ask = page.getByRole('alertdialog', { name: 'Выключить чаты и обращения?' })
    await expect(ask).toContainText(
      /исчезнет у всех сотрудников \(активных: \d+\)\. Открытых чатов сейчас: \d+/,
    )
    await ask.getByRole('button', { name: 'Отмена' }).click()
    await expect(sw).toBeChecked()
    await expect(page.getByRole('alertdialog')).toHaveCount(0)
    // Asked and confirmed: off.
    await sw.click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Выключить' }).click()
    await expect(sw).not.toBeChecked()
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

test('A5 connected channels in Russian: "Чат на сайте", auto-complete empty = "нет" (it fits 360 px) with its own Save, and the page stays where it was', async ({
  browser,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'ru')
  try {
    const page = admin.page
    await page.goto('/admin/settings')
    const list = page.locator('.setup-channel')
    await expect(list.first()).toBeVisible()
    await expect(list.getByText('Website chat', { exact: true })).toHaveCount(0)
    const row = list.filter({ has: page.locator('.row-title', { hasText: /^Чат на сайте$/ }) })
    await expect(row).toHaveCount(1)
    const minutes = row.getByLabel('Завершать Чат на сайте через, минут')
    await expect(minutes).toHaveAttribute('placeholder', 'нет')
    await minutes.fill('30')
    await minutes.blur()
    const save = row.getByRole('button', { name: 'Сохранить время завершения для Чат на сайте' })
    await save.scrollIntoViewIfNeeded()
    // Where the row is on the screen (the app scrolls inside its own pane, not the window).
    const y = (await row.boundingBox())?.y
    expect(y).toBeDefined()
    await save.click()
    await expect(page.getByText('Сохранено').first()).toBeVisible()
    await expect(minutes).toHaveValue('30')
    expect((await row.boundingBox())?.y).toBe(y)
    await page.reload()
    await expect(
      page
        .locator('.setup-channel', { hasText: 'Чат на сайте' })
        .getByLabel('Завершать Чат на сайте через, минут'),
    ).toHaveValue('30')
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

test('T5 a shared template is edited in a multi-line box with its placeholders named, and deleted only after a confirmation; a CRM card link too', async ({
  browser,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'en')
  try {
    const page = admin.page
    await page.goto('/admin/settings')
    const box = page.locator('section', { has: page.getByRole('heading', { name: 'Shared templates' }) })
    await expect(box.getByText(/You can use \{operator\}.*\{client\}/).first()).toBeVisible()
    const add = box.locator('form').last()
    await add.getByLabel('Name').fill('Greeting')
    await add.getByLabel('Text').fill('Hello, {client}!\nThis is {operator}.')
    expect(await add.getByLabel('Text').evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(
      80,
    )
    await add.getByRole('button', { name: 'Add template' }).click()
    const row = box.locator('li', { hasText: 'Greeting' })
    await expect(row).toContainText('This is {operator}.')

    await row.getByRole('button', { name: 'Edit Greeting' }).click()
    const edit = box.getByRole('form', { name: 'Edit Greeting' })
    await edit.getByLabel('Text').fill('Hello, {client}! This is {operator}, how can I help?')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(row).toContainText('how can I help?')

    await row.getByRole('button', { name: 'Delete Greeting' }).click()
    const ask = page.getByRole('alertdialog', { name: 'Delete the template Greeting?' })
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect(row).toHaveCount(1)
    await row.getByRole('button', { name: 'Delete Greeting' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(row).toHaveCount(0)

    const crm = page.locator('section', { has: page.getByRole('heading', { name: 'CRM', exact: true }) })
    const cardForm = crm.locator('form').last()
    await cardForm.getByLabel('Name').fill('amoCRM card')
    await cardForm.getByRole('textbox', { name: /template|URL/i }).fill('https://crm.example/c?phone={phone}')
    await cardForm.getByRole('button', { name: 'Add link' }).click()
    const link = crm.locator('li', { hasText: 'amoCRM card' })
    await link.getByRole('button', { name: 'Delete amoCRM card' }).click()
    const askLink = page.getByRole('alertdialog', { name: 'Delete the link amoCRM card?' })
    await askLink.getByRole('button', { name: 'Cancel' }).click()
    await expect(link).toHaveCount(1)
    await link.getByRole('button', { name: 'Delete amoCRM card' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(link).toHaveCount(0)
    await fitsAt360(page)
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

test('S2 removing a status someone holds: the refusal names who holds it and the card comes back; unsaved edits keep Save in reach and leaving asks first', async ({
  browser,
  request,
}) => {
  const own = await ownServer()
  const admin = await phone360(browser, own.server, 'admin@demo', 'en')
  try {
    const op = await apiAs(request, own.server, 'op1@demo')
    const me = await request.put(`${own.server.baseURL}/api/me/status`, {
      headers: op.headers,
      data: { status: 'break' },
    })
    expect(me.ok(), await me.text()).toBe(true)
    const who = (await (
      await request.get(`${own.server.baseURL}/api/me`, { headers: op.headers })
    ).json()) as {
      name?: string
      me?: { name: string }
    }
    const name = who.me?.name ?? who.name ?? ''
    expect(name).not.toBe('')

    const page = admin.page
    await page.goto('/admin/statuses')
    const card = page.getByRole('group', { name: 'Break', exact: true })
    await expect(card).toBeVisible()
    await expect(
      page.getByText('Time in this status counts as working time (the Workload report).').first(),
    ).toBeVisible()
    await card.getByRole('button', { name: 'Delete status Break' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(card).toHaveCount(0)
    await expect(page.getByText('Unsaved changes')).toBeVisible()
    await page.getByRole('button', { name: 'Save statuses' }).click()
    await expect(page.getByRole('alert')).toContainText(`Break is held by: ${name}.`)
    await expect(card).toBeVisible()

    // Still unsaved (nothing was saved): leaving the screen asks; Cancel stays, Leave goes.
    await page
      .getByRole('link', { name: /Administration/ })
      .first()
      .click()
    const ask = page.getByRole('alertdialog', { name: 'Leave without saving?' })
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect(page).toHaveURL(/\/admin\/statuses$/)
    await page
      .getByRole('link', { name: /Administration/ })
      .first()
      .click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Leave' }).click()
    await expect(page).toHaveURL(/\/admin$/)
  } finally {
    await admin.context.close()
    await own.dispose()
  }
})

/**
 * Website chat (issue 7 §2, SPEC T1/T4): the widget on the demo site, as a visitor in a browser context
 * of his own. The operator's side of these flows is in the inbox specs.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

/** The widget's panel lives in an open Shadow DOM: Playwright's role locators pierce it. */
async function openWidget(page: Page) {
  const launcher = page.getByRole('button', { name: /chat with us|напишите нам/i })
  await expect(launcher).toBeVisible()
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click()
  await expect(page.getByRole('dialog', { name: /^chat$|^чат$/i })).toBeVisible()
}

test('T1 a visitor writes in the widget on the demo site, reloads, and still sees his conversation as text', async ({
  browser,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/?utm_source=e2e')
  await openWidget(page)
  await page.getByRole('textbox', { name: /your name/i }).fill('<i>Ann</i>')
  const message = page.getByRole('textbox', { name: /^message$/i })
  const hostile = '<img src=x onerror="window.__pwned=1"><b>bold?</b>'
  await message.fill('Hello, do you deliver on Sundays?')
  await message.press('Enter')
  await message.fill(hostile)
  await page.getByRole('button', { name: /^send$/i }).click()
  const log = page.getByRole('list', { name: /^chat$/i })
  await expect(log.getByText('Hello, do you deliver on Sundays?')).toBeVisible()
  // Stored by the server: the row says "sent" (not "sending").
  await expect(log.getByText(hostile, { exact: false })).toContainText('sent')
  await expect(log.getByText(/sending/)).toHaveCount(0)

  await page.reload()
  await openWidget(page)
  await expect(log.getByText('Hello, do you deliver on Sundays?')).toBeVisible()
  await expect(log.getByText(hostile, { exact: false })).toBeVisible()
  // Inert: shown as text, no element made from it, nothing ran.
  const inShadow = await page.evaluate(() => {
    const root = document.getElementById('frontline-widget')?.shadowRoot
    return { imgs: root?.querySelectorAll('li img').length, bold: root?.querySelectorAll('li b').length }
  })
  expect(inShadow).toEqual({ imgs: 0, bold: 0 })
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  await visitor.close()
})

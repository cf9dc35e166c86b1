/** A phone at 360 × 780 signed in, in Russian or English (the probe's findings are at that width). */
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { expect, type FrontlineServer } from './fixtures.ts'
import { finishWalkthrough } from './helpers.ts'

export const PHONE_360 = { width: 360, height: 780 }

/** Signs `login` in on a 360 px phone whose browser speaks `lang`. */
export async function phone360(
  browser: Browser,
  server: FrontlineServer,
  login: string,
  lang: 'en' | 'ru',
  more: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: server.baseURL,
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    viewport: PHONE_360,
    ...more,
  })
  const page = await context.newPage()
  await page.goto('/')
  // The static shell (index.html) is a picture of the form: type into the app's own, once it is there.
  await expect(page.locator('.boot')).toHaveCount(0)
  await page.locator('input[name=login]').fill(login)
  await page.locator('input[name=password]').fill(server.password)
  await page.locator('form button[type=submit]').click()
  await finishWalkthrough(page)
  return { context, page }
}

/** Where the spec's screenshots go for a person to look at (not asserted). */
export const SHOTS = process.env.PROBEFIX_SHOTS ?? '/tmp/probefix-shots'

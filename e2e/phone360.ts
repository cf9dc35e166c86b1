/** A phone at 360 × 780 signed in, in Russian or English (the probe's findings are at that width). */
import type { Browser, BrowserContext, Page } from '@playwright/test'
import type { FrontlineServer } from './fixtures.ts'
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
  await page.locator('form:not([inert]) input[name=login]:not([disabled])').fill(login)
  await page.locator('form:not([inert]) input[name=password]:not([disabled])').fill(server.password)
  await page.locator('form:not([inert]) button[type=submit]:not([disabled])').click()
  await finishWalkthrough(page)
  return { context, page }
}

/** Where the spec's screenshots go for a person to look at (not asserted). */
export const SHOTS = process.env.PROBEFIX_SHOTS ?? '/tmp/probefix-shots'

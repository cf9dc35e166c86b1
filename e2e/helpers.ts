/** Steps many e2e tests share: sign in through the real form, then get past the first-run walk-through. */
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, login } from './fixtures.ts'

/** Signs in as `loginName` and finishes the permission walk-through (A3) if it is shown. */
export async function signIn(page: Page, server: FrontlineServer, loginName: string): Promise<void> {
  await login(page, loginName, server.password)
  await finishWalkthrough(page)
}

/** Clicks through the first-run walk-through (Skip where a prompt would block, Done/Finish otherwise). */
export async function finishWalkthrough(page: Page): Promise<void> {
  const tabs = page.getByRole('navigation', { name: /^(sections|разделы)$/i })
  const heading = page.getByRole('heading', { name: /set up permissions|настройка разрешений/i })
  await expect(tabs.or(heading).first()).toBeVisible()
  const step = page.getByRole('button', {
    name: /^(skip|next|done|finish|пропустить|далее|готово|завершить)$/i,
  })
  // Each click moves one step; the last one navigates away, so never wait long for a button.
  for (let i = 0; i < 12 && !(await tabs.isVisible()); i++) {
    await step
      .first()
      .click({ timeout: 2000 })
      .catch(() => {})
  }
  await expect(tabs).toBeVisible()
}

/** A fresh phone (its own storage) already signed in as `loginName`. */
export async function operatorPhone(
  browser: Browser,
  server: FrontlineServer,
  loginName: string,
  contextOptions: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...contextOptions, baseURL: server.baseURL })
  const page = await context.newPage()
  await page.goto('/')
  await signIn(page, server, loginName)
  return { context, page }
}

/** Picks a status from the account icon (S1). `name` is the status as the operator reads it. */
export async function chooseStatus(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('button', { name: /^(status|статус):/i }).click()
  // click, not check(): check() does nothing on the current status, and the picker would stay open.
  await page.getByRole('radio', { name }).click()
  await expect(page.getByRole('dialog', { name: /choose status|выберите статус/i })).toBeHidden()
  await expect(
    page.getByRole('button', { name: new RegExp(`^(status|статус): ${name.source}`, 'i') }),
  ).toBeVisible()
}

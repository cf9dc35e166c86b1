/**
 * Probe 11 findings 2 and 3 (A1): the sign-in card stays where the static shell drew it when the app
 * takes over and when an error appears; the show-password control is an eye inside a full-width field,
 * named in both languages.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { PHONE_360, SHOTS } from './phone360.ts'

const top = async (page: Page, sel: string) => (await page.locator(sel).first().boundingBox())?.y ?? -1

test('A1 the sign-in card does not jump, and the password eye sits inside a full-width field', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  for (const lang of ['en', 'ru'] as const) {
    const l =
      lang === 'en'
        ? { show: 'Show password', hide: 'Hide password', pw: 'Password', wrong: /Wrong login or password/ }
        : { show: 'Показать пароль', hide: 'Скрыть пароль', pw: 'Пароль', wrong: /Неверный логин или пароль/ }
    const context = await browser.newContext({
      baseURL: server.baseURL,
      locale: lang === 'ru' ? 'ru-RU' : 'en-US',
      viewport: PHONE_360,
    })
    const page = await context.newPage()
    // The static shell alone (the bundle held back) …
    await page.route('**/assets/*.js', (r) => r.abort())
    await page.goto('/login')
    await expect(page.locator('.boot .login-card h1')).toBeVisible()
    const shellTitle = await top(page, '.boot .login-card h1')
    const shellLogin = await top(page, '.boot .login-card input')
    // … then the app: the card's title and first field are where the shell had them.
    await page.unroute('**/assets/*.js')
    await page.goto('/login')
    await expect(page.locator('.boot')).toHaveCount(0)
    const title = await top(page, '.login-card h1')
    expect(Math.abs(title - shellTitle)).toBeLessThanOrEqual(2)
    expect(Math.abs((await top(page, 'input[name=login]')) - shellLogin)).toBeLessThanOrEqual(2)

    // The eye: inside the password field, which is as wide as the login field; a 44 px target.
    const login = (await page.locator('input[name=login]').boundingBox())!
    const pw = (await page.locator('input[name=password]').boundingBox())!
    expect(Math.abs(pw.width - login.width)).toBeLessThanOrEqual(1)
    const eye = page.getByRole('button', { name: l.show })
    const e = (await eye.boundingBox())!
    expect(e.x >= pw.x && e.x + e.width <= pw.x + pw.width + 1).toBe(true)
    expect(e.width >= 44 && e.height >= 44).toBe(true)
    await expect(eye).toHaveAttribute('aria-pressed', 'false')
    await page.getByLabel(l.pw, { exact: true }).fill('not-the-password')
    await eye.click()
    await expect(page.getByLabel(l.pw, { exact: true })).toHaveAttribute('type', 'text')
    await expect(page.getByRole('button', { name: l.hide })).toHaveAttribute('aria-pressed', 'true')
    await page.screenshot({ path: `${SHOTS}/02-login-${lang}.png` })

    // A wrong password: the message appears below; the card's title does not move.
    await page.locator('input[name=login]').fill('op1@demo')
    await page.locator('form button[type=submit]').click()
    await expect(page.getByRole('alert')).toHaveText(l.wrong)
    expect(Math.abs((await top(page, '.login-card h1')) - title)).toBeLessThanOrEqual(2)
    await page.screenshot({ path: `${SHOTS}/03-login-wrong-${lang}.png` })
    await context.close()
  }
})

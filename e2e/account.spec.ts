/** SPEC A1–A4: sign-in, saved accounts, settings. */

import type { Page } from '@playwright/test'
import { expect, login, test } from './fixtures.ts'
import { finishWalkthrough, signIn } from './helpers.ts'

/** The saved-account row of the active account (A3: its name is what it shows, marked aria-current). */
const currentAccount = (page: Page, name: string) =>
  page.getByRole('button', { name: new RegExp(`^${name}`) }).and(page.locator('[aria-current="true"]'))

test('A1 login with the issued login and password; a wrong password gets a clear error', async ({
  page,
  server,
}) => {
  await page.goto('/')
  await login(page, 'op1@demo', 'not-the-password')
  await expect(page.getByRole('alert')).toHaveText(/wrong login or password/i)
  // An unknown login gets exactly the same answer (no account enumeration).
  await login(page, 'nobody@demo', 'not-the-password')
  await expect(page.getByRole('alert')).toHaveText(/wrong login or password/i)

  await login(page, 'op1@demo', server.password)
  await finishWalkthrough(page)
  await page.getByRole('link', { name: 'Account' }).click()
  await expect(
    page
      .getByText('Demo · ext. 101')
      .or(page.getByText(/Demo.*101/))
      .first(),
  ).toBeVisible()
})

test('A2 two saved accounts: switch between them without typing a password', async ({ page, server }) => {
  await page.goto('/')
  await signIn(page, server, 'op1@demo')
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('button', { name: 'Add account' }).click()
  await expect(page.getByRole('heading', { name: 'Add account' })).toBeVisible()
  await login(page, 'op2@demo', server.password)
  await page.getByRole('link', { name: 'Account' }).click()

  const op2 = server.accounts.find((a) => a.login === 'op2@demo')!
  const op1 = server.accounts.find((a) => a.login === 'op1@demo')!
  await expect(currentAccount(page, op2.name)).toBeVisible()
  await page.getByRole('button', { name: new RegExp(`^Switch to ${op1.name}`) }).click()
  // Switching opens the start page of the other account, signed in, with no password asked.
  // (Wait for that navigation: the status button shows on the Account page too, and a click on
  // Account before the switch has navigated was overtaken by it.)
  await expect(page).not.toHaveURL(/\/account$/)
  await expect(page.getByRole('button', { name: /^Status:/ })).toBeVisible()
  await page.getByRole('link', { name: 'Account' }).click()
  await expect(currentAccount(page, op1.name)).toBeVisible()
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0)

  // The saved list survives a reload: it lives on the device (idb-keyval), tokens only.
  await page.reload()
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('button', { name: new RegExp(`^Switch to ${op2.name}`) }).click()
  // The same wait as above: the switch navigates to the start page; a tap on Account before that
  // lands was overtaken by it (clean CI run of d729028).
  await expect(page).not.toHaveURL(/\/account$/)
  await expect(page.getByRole('button', { name: /^Status:/ })).toBeVisible()
  await page.getByRole('link', { name: 'Account' }).click()
  await expect(currentAccount(page, op2.name)).toBeVisible()
  const stored = await page.evaluate(async () => {
    const open = indexedDB.open('keyval-store')
    const db: IDBDatabase = await new Promise((ok, fail) => {
      open.onsuccess = () => ok(open.result)
      open.onerror = () => fail(open.error)
    })
    const tx = db.transaction('keyval').objectStore('keyval').get('accounts')
    return await new Promise<string>((ok) => {
      tx.onsuccess = () => ok(JSON.stringify(tx.result))
    })
  })
  expect(stored).toContain('op1@demo')
  expect(stored).toContain('op2@demo')
  expect(stored).not.toContain(server.password)
})

test('A4 language switch changes the visible labels and is remembered', async ({ page, server }) => {
  await page.goto('/')
  await signIn(page, server, 'op3@demo')
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Русский' })
  const tabs = page.getByRole('navigation', { name: 'Разделы' })
  for (const name of ['Звонки', 'Обращения', 'Контакты', 'На сайте', 'Аккаунт']) {
    await expect(tabs.getByRole('link', { name })).toBeVisible()
  }
  await expect(page.getByRole('combobox', { name: 'Язык' })).toBeVisible()
  await page.reload()
  await expect(
    page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Контакты' }),
  ).toBeVisible()
  await page.getByRole('combobox', { name: 'Язык' }).selectOption({ label: 'English' })
  await expect(
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Contacts' }),
  ).toBeVisible()
})

test('A4 start page setting decides which section opens first', async ({ page, server }) => {
  await page.goto('/')
  await signIn(page, server, 'op4@demo')
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('combobox', { name: 'Start page' }).selectOption({ label: 'Contacts' })
  await page.goto('/')
  await expect(page).toHaveURL(/\/contacts/)
})

test('A1 own password change at 360 px in Russian: each error at its field, replaced on the next try', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 360, height: 640 })
  {
    await page.goto('/')
    await signIn(page, server, 'op3@demo')
    // Russian from here on (signIn speaks English).
    await page.evaluate(() => localStorage.setItem('frontline.lang', 'ru'))
    await page.goto('/account')
    await page.getByRole('button', { name: 'Сменить пароль' }).click()
    const form = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Пароль' }) })
    const current = form.getByLabel('Текущий пароль')
    const next = form.getByLabel('Новый пароль (от 8 символов)')
    const repeat = form.getByLabel('Повторите новый пароль')
    await current.fill('not-my-password')
    await next.fill('abc')
    await repeat.fill('abc')
    await form.getByRole('button', { name: 'Сменить пароль' }).click()
    await expect(next).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByText('Не короче 8 символов.')).toBeVisible()
    await expect(current).toHaveAttribute('aria-invalid', 'false')
    // Long enough now, but the current password is wrong: that field is marked, the other cleared.
    await next.fill('abcdefgh1')
    await repeat.fill('abcdefgh1')
    await form.getByRole('button', { name: 'Сменить пароль' }).click()
    await expect(current).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByText('Текущий пароль указан неверно.')).toBeVisible()
    await expect(next).toHaveAttribute('aria-invalid', 'false')
    await expect(form.getByText('Не короче 8 символов.')).toHaveCount(0)
    // No generic toasts piled up over the page.
    await expect(page.locator('.toast')).toHaveCount(0)
  }
})

test("A2 logging out of one saved account opens nobody else's: the sign-in screen offers it", async ({
  page,
  server,
}) => {
  await page.goto('/')
  await signIn(page, server, 'op1@demo')
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('button', { name: 'Add account' }).click()
  await login(page, 'op2@demo', server.password)
  await page.getByRole('link', { name: 'Account' }).click()
  const op1 = server.accounts.find((a) => a.login === 'op1@demo')!
  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByRole('button', { name: /^Status:/ })).toHaveCount(0)
  // A reload does not open the other account either.
  await page.reload()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await page.getByRole('button', { name: `Continue as ${op1.name}` }).click()
  await expect(page.getByRole('button', { name: /^Status:/ })).toBeVisible()
  await page.getByRole('link', { name: 'Account' }).click()
  await expect(currentAccount(page, op1.name)).toBeVisible()
})

test('A1 the sign-in screen switches language and shows the password on request', async ({ page }) => {
  await page.goto('/login')
  await page.getByRole('button', { name: 'Русский' }).click()
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible()
  await page.getByLabel('Пароль', { exact: true }).fill('secret-1')
  await page.getByRole('button', { name: 'Показать пароль' }).click()
  await expect(page.getByLabel('Пароль', { exact: true })).toHaveAttribute('type', 'text')
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByRole('button', { name: 'Hide password' }).click()
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password')
})

test('A3 denied notifications explain the fix', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.baseURL })
  // The browser's own answer once the operator has blocked notifications for the site.
  await context.addInitScript(() => {
    Object.defineProperty(Notification, 'permission', { get: () => 'denied' })
    Notification.requestPermission = async () => 'denied'
  })
  const page = await context.newPage()
  await page.goto('/')
  await login(page, 'op1@demo', server.password)
  // The walk-through's notifications step says it is blocked and how to allow it; "Next" moves on.
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible()
  await expect(page.getByText(/Notifications are blocked for this site.*lock icon/)).toBeVisible()
  await page.getByRole('button', { name: 'Next' }).click()
  await finishWalkthrough(page)
  // Later, the call screens still warn, and the warning leads to the fix.
  await page.getByRole('link', { name: 'Calls', exact: true }).click()
  await expect(
    page.getByText('Notifications are blocked: calls and messages reach you only while the app is open.'),
  ).toBeVisible()
  await page.getByRole('link', { name: 'How to fix' }).click()
  await expect(page).toHaveURL(/\/account/)
  await expect(page.getByRole('heading', { name: 'Permissions' })).toBeVisible()
  await context.close()
})

/**
 * SPEC S1 presence (issue 6, item 11): colleagues see what routing knows — a line that is gone is not
 * "Available", a colleague being rung is "Ringing", one in a call is "On a call" — in Contacts and in the groups' available / total.
 */
import type { Page } from '@playwright/test'
import { expect, login, test } from './fixtures.ts'
import { finishWalkthrough } from './helpers.ts'
import {
  accept,
  account,
  closeAll,
  dial,
  everyoneOff,
  expectCalls,
  incoming,
  openPhone,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 180_000 })

/** The watcher's view of one colleague (Contacts → Employees) and of the Sales group (Contacts → Groups). */
function contacts(page: Page) {
  const open = async (tab: 'Employees' | 'Groups') => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).click()
    await page.getByRole('link', { name: tab, exact: true }).click()
  }
  return {
    async expectColleague(name: string, label: RegExp) {
      await open('Employees')
      await expect(page.locator('.row', { hasText: name }).locator('.status-tag')).toHaveText(label, {
        timeout: 15_000,
      })
    },
    /** "Online only" (on by default) hides them; with it off they are listed as "Offline". */
    async expectOffline(name: string) {
      await open('Employees')
      const row = page.locator('.row', { hasText: name })
      await expect(row).toHaveCount(0, { timeout: 15_000 })
      const onlineOnly = page.getByRole('switch', { name: 'Online only' })
      await onlineOnly.uncheck()
      await expect(row.locator('.status-tag')).toHaveText(/^Offline$/)
      await onlineOnly.check()
    },
    async expectSales(available: number) {
      await open('Groups')
      await expect(page.locator('li.row', { hasText: 'Sales' }).locator('.pill')).toContainText(
        `available ${available} / 3`,
        { timeout: 15_000 },
      )
    },
  }
}

test('S1 presence: a colleague who logs out, goes offline or switches account is not shown available; one being rung shows "Ringing", one in a call "On a call"', async ({
  browser,
  server,
  request,
}) => {
  await everyoneOff(request, server)
  const op1Name = account(server, 'op1@demo').name
  const op2Name = account(server, 'op2@demo').name
  // Support's op5 watches; Sales is op1, op2 (Available, signed in) and op3 (Off work).
  const watcher = await openPhone(browser, server, 'op5@demo')
  const view = contacts(watcher.page)
  const op2 = await openPhone(browser, server, 'op2@demo')
  let op1 = await openPhone(browser, server, 'op1@demo')
  await view.expectSales(2)
  await view.expectColleague(op1Name, /^Available$/)

  // 1. op1 logs out: the status stays "Available", the line is gone.
  await op1.page.getByRole('link', { name: 'Account' }).click()
  await op1.page.getByRole('button', { name: 'Log out' }).click()
  await expect(op1.page.getByRole('textbox', { name: /^(password|пароль)$/i })).toBeVisible()
  await view.expectOffline(op1Name)
  await view.expectSales(1)
  await closeAll(op1)

  // 2. op1 signs in again, then the device vanishes without logging out (offline, app killed).
  op1 = await openPhone(browser, server, 'op1@demo')
  await view.expectColleague(op1Name, /^Available$/)
  await view.expectSales(2)
  await op1.context.close()
  await view.expectOffline(op1Name)
  await view.expectSales(1)

  // 3. op1 signs in again, then switches the device to another saved account (op4).
  op1 = await openPhone(browser, server, 'op1@demo')
  await view.expectSales(2)
  await op1.page.getByRole('link', { name: 'Account' }).click()
  await op1.page.getByRole('button', { name: 'Add account' }).click()
  await login(op1.page, 'op4@demo', server.password)
  await finishWalkthrough(op1.page)
  await view.expectOffline(op1Name)
  await view.expectSales(1)
  await closeAll(op1)

  // 4. op2 calls op6: while it rings op6 shows "Ringing"; once answered op2 is "On a call", and not
  // available to Sales.
  const op6 = await openPhone(browser, server, 'op6@demo')
  await dial(op2.page, account(server, 'op6@demo').extension)
  await expect(incoming(op6.page)).toBeVisible({ timeout: 15_000 })
  await view.expectColleague(account(server, 'op6@demo').name, /^Ringing$/)
  await accept(op6.page)
  await expectCalls(op2.page, ['active'])
  await view.expectColleague(op2Name, /^On a call$/)
  await view.expectSales(0)
  await closeAll(op2, op6, watcher)
})

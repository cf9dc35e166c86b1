/** SPEC S1: a status change reaches a colleague's Contacts live. A colleague is "online" when their
 * status is working time and their line is up (S1 presence), so this runs with Kamailio. */
import { expect, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'
import { openPhone } from './phone-helpers.ts'

test.use({ pbx: true })

test('S1 a status change by operator 1 appears live in operator 2 Contacts', async ({ browser, server }) => {
  const op1 = server.accounts.find((a) => a.login === 'op1@demo')!
  // A colleague is "online" when their status is working time AND their line is up (S1 presence):
  // op1's phone registers with the worker's Kamailio before anything is looked at.
  const one = await openPhone(browser, server, 'op1@demo')
  const two = await operatorPhone(browser, server, 'op2@demo')
  await chooseStatus(one.page, /Off work/)

  await two.page.getByRole('link', { name: 'Contacts' }).click()
  await two.page.getByRole('link', { name: 'Employees' }).click()
  const onlineOnly = two.page.getByRole('switch', { name: 'Online only' })
  await expect(onlineOnly).toBeChecked()
  const row = two.page.getByRole('listitem').filter({ hasText: op1.name })
  // Off work is not "online": hidden while the filter is on.
  await expect(row).toHaveCount(0)

  await chooseStatus(one.page, /Available/)
  await expect(row).toBeVisible()
  await expect(row).toContainText('Available')

  await chooseStatus(one.page, /Break/)
  await expect(row).toContainText('Break')
  await one.context.close()
  await two.context.close()
})

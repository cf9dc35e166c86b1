/**
 * Probe 13 #7: an admin's own row on the Employees screen offers neither a new password nor
 * deactivation (the server answers both E_SELF) and says why, in the app's language.
 */
import { expect, test } from './fixtures.ts'
import { signIn } from './helpers.ts'

test('A1 the admin’s own row: no New password, no Deactivate, a note pointing to Account', async ({
  page,
  server,
}) => {
  await page.goto('/')
  await signIn(page, server, 'admin@demo')
  await page.goto('/admin/employees')
  const own = page.getByRole('button', { name: /admin@demo/ })
  await own.click()
  const item = page.getByRole('listitem').filter({ has: own })
  await expect(item.getByTestId('admin-self-note')).toHaveText(
    /change your password in Account|меняют в разделе «Аккаунт»/,
  )
  await expect(item.getByRole('button', { name: /new password|новый пароль/i })).toHaveCount(0)
  await expect(item.getByRole('button', { name: /deactivate|отключить/i })).toHaveCount(0)
  // Another employee's row still has both.
  const other = page.getByRole('button', { name: /op1@demo/ })
  await other.click()
  const otherItem = page.getByRole('listitem').filter({ has: other })
  await expect(otherItem.getByRole('button', { name: /new password|новый пароль/i })).toHaveCount(1)
  await expect(otherItem.getByRole('button', { name: /deactivate|отключить/i })).toHaveCount(1)
})

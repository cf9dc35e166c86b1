/**
 * Probe 13 #7: an admin's own row on the Employees screen offers neither a new password nor
 * deactivation (the server answers both E_SELF) and says why, in the app's language.
 */
import { expect, ownServer, test } from './fixtures.ts'
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

test('A1 a new password for an employee is asked first: Cancel issues nothing, OK shows it once', async ({
  page,
}) => {
  test.setTimeout(120_000)
  // Its own server: the shared one's op6 keeps the demo password for the specs after this one.
  const own = await ownServer()
  const { server } = own
  try {
    await page.goto(`${server.baseURL}/`)
    await signIn(page, server, 'admin@demo')
    await page.goto(`${server.baseURL}/admin/employees`)
    const other = page.getByRole('button', { name: /op6@demo/ })
    await other.click()
    const item = page.getByRole('listitem').filter({ has: other })
    let issued = 0
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/admin\/employees\/[^/]+\/password$/.test(r.url())) issued++
    })
    await item.getByRole('button', { name: /new password|новый пароль/i }).click()
    const ask = page.getByRole('alertdialog')
    await expect(ask).toContainText(/signed out on every device|выйдет на всех устройствах/)
    await ask.getByRole('button', { name: /cancel|отмена/i }).click()
    await expect(ask).toHaveCount(0)
    expect(issued).toBe(0)
    await item.getByRole('button', { name: /new password|новый пароль/i }).click()
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: /^new password$|^новый пароль$/i })
      .click()
    await expect(page.getByTestId('issued-login')).toHaveText(/op6@demo/)
    expect(issued).toBe(1)
  } finally {
    await own.dispose()
  }
})

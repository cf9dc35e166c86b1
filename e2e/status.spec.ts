/** SPEC S1 (and the realtime feed under it). */
import { expect, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

test('S1 a status change by operator 1 appears live in operator 2 Contacts', async ({ browser, server }) => {
  const op1 = server.accounts.find((a) => a.login === 'op1@demo')!
  const one = await operatorPhone(browser, server, 'op1@demo')
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

test('S1 realtime resume: events that happen while the server restarts reach the app without reload', async ({
  browser,
  server,
}) => {
  const op3 = server.accounts.find((a) => a.login === 'op3@demo')!
  const watcher = await operatorPhone(browser, server, 'op4@demo')
  await watcher.page.getByRole('link', { name: 'Contacts' }).click()
  await watcher.page.getByRole('link', { name: 'Employees' }).click()
  await watcher.page.getByRole('switch', { name: 'Online only' }).click()
  const row = watcher.page.getByRole('listitem').filter({ hasText: op3.name })
  await expect(row).toBeVisible()

  await server.restart()
  // While the watcher's link is still reconnecting, op3 changes status twice through the API.
  const api = await browser.newContext({ baseURL: server.baseURL })
  const loginRes = await api.request.post('/api/auth/login', {
    data: { login: 'op3@demo', password: server.password },
  })
  const { token } = await loginRes.json()
  for (const status of ['dnd', 'away']) {
    const res = await api.request.put('/api/me/status', {
      data: { status },
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.ok()).toBe(true)
  }
  await expect(row).toContainText('Away', { timeout: 15_000 })
  await api.close()
  await watcher.context.close()
})

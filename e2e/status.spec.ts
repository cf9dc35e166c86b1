/** SPEC S1: the realtime feed under statuses — events during a server restart reach the app (the live status change is in status-live.spec.ts). */
import { expect, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'

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

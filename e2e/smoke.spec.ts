import { expect, login, test } from './fixtures.ts'

test('A6 app shell loads and /api/health answers', async ({ page, request, server }) => {
  const health = await request.get('/api/health')
  expect(health.ok()).toBe(true)
  expect(await health.json()).toMatchObject({ ok: true, db: 'pglite', sip: 'unavailable' })
  expect(server.accounts.length).toBeGreaterThan(0)

  const response = await page.goto('/')
  expect(response?.status()).toBe(200)
  // Installable: a manifest with a name and a maskable icon (A6).
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(href).toBeTruthy()
  const manifest = await (await request.get(new URL(href!, server.baseURL).toString())).json()
  expect(manifest.name).toBeTruthy()
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose?.includes('maskable'))).toBe(true)
  // The shell rendered: the sign-in form is on screen.
  await expect(page.getByRole('button', { name: /sign in/i })).toBeVisible()
  // The harness's login helper drives the real form: a demo operator gets past it.
  const operator = server.accounts.find((a) => a.role === 'operator')!
  await login(page, operator.login, server.password)
  await expect(page.getByRole('button', { name: /sign in/i })).toBeHidden()
})

/** SPEC A6: installable PWA — manifest, our service worker, offline shell with the last data. */
import { expect, test } from './fixtures.ts'
import { signIn } from './helpers.ts'

test('A6 manifest is valid and linked, the service worker controls the page, offline reload shows the shell and the last contacts', async ({
  page,
  context,
  request,
  server,
}) => {
  await page.goto('/')
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  const manifest = await (await request.get(new URL(href!, server.baseURL).toString())).json()
  expect(manifest).toMatchObject({ name: 'Frontline', start_url: '/', display: 'standalone' })
  expect(manifest.theme_color).toMatch(/^#/)
  // Its names, shortcuts and screenshot labels are English: so is its declared language.
  expect(manifest.lang).toBe('en')
  for (const icon of manifest.icons as { src: string; sizes: string; purpose?: string }[]) {
    const res = await request.get(new URL(icon.src, server.baseURL).toString())
    expect(res.ok(), icon.src).toBe(true)
    expect(res.headers()['content-type']).toMatch(/image\/png|image\/svg/)
  }
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
    expect.arrayContaining(['192x192', '512x512']),
  )
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose?.includes('maskable'))).toBe(true)

  await signIn(page, server, 'op5@demo')
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null)
  await page.reload()
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/)

  // Contacts seen once are kept on the device (Dexie) …
  await page.getByRole('link', { name: 'Contacts' }).click()
  await page.getByRole('link', { name: 'Clients' }).click()
  const firstClient = page.locator('main a[href^="/contacts/clients/"] .row-title').first()
  await expect(firstClient).toBeVisible()
  const clientName = ((await firstClient.textContent()) ?? '').trim()
  expect(clientName).not.toBe('')

  // … so a reload with no network shows the shell from the precache and the last contacts.
  await context.setOffline(true)
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible()
  await expect(page.getByText(clientName).first()).toBeVisible()
  await expect(page.getByText(/offline/i).first()).toBeVisible()
  // Back online: the realtime link gets through and the header stops saying offline.
  await context.setOffline(false)
  await expect(page.getByRole('status').filter({ hasText: /offline/i })).toHaveCount(0)
})

test('N3 warm start: the landing screen starts loading before the session check (issue 10 budget)', async ({
  page,
  server,
}) => {
  await signIn(page, server, 'op5@demo')
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null)
  // Requests of the next start, in the order the page makes them.
  const order: string[] = []
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname
    if (/\/assets\/RequestsPage-[^/]+\.js$/.test(path)) order.push('screen')
    else if (path === '/api/me') order.push('me')
  })
  // The session check waits for the first screen's paint (issue 11 item 8): it may come after the tab shows.
  const sessionCheck = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/me')
  await page.goto('/requests')
  await expect(page.getByRole('tab', { name: /^New/ })).toBeVisible()
  await sessionCheck
  // The screen's chunk is asked for while the saved session is read, not after the shell rendered
  // (which comes after the runtime asked the server who is signed in).
  expect(order.indexOf('screen')).toBeGreaterThanOrEqual(0)
  expect(order.slice(0, 2)).toEqual(['screen', 'me'])
})

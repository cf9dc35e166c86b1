/**
 * Issue 10 (warm start budget): index.html's static shell paints the operator's last Requests list
 * (public/boot.js, from the snapshot the app saves: src/lib/firstpaint, features/requests/snapshot.ts)
 * before the app bundle runs; the app then takes over with its own rows in the same places. The
 * snapshot belongs to one account: signing out or switching leaves nothing of it on the screen.
 */
import { randomUUID } from 'node:crypto'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, login, test } from './fixtures.ts'
import { chooseStatus, signIn } from './helpers.ts'

// page.route sees the bundle's requests only without a service worker answering them first.
test.use({ serviceWorkers: 'block' })

/** A website visitor of the demo tenant writing through the widget's API; his chat waits in New. */
async function visitorWrites(request: APIRequestContext, baseURL: string, name: string, text: string) {
  const page = { url: `${baseURL}/site/`, referrer: null }
  const s = await request.post(`${baseURL}/api/visitor/session`, { data: { tenant: 'demo', page } })
  expect(s.ok(), await s.text()).toBe(true)
  const { token } = (await s.json()) as { token: string }
  const m = await request.post(`${baseURL}/api/visitor/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: randomUUID(), text, name },
  })
  expect(m.ok(), await m.text()).toBe(true)
}

/** Holds the app bundle's scripts (the page shows only index.html's own) until the returned call. */
async function holdBundle(page: Page): Promise<() => Promise<void>> {
  let release = () => {}
  const released = new Promise<void>((ok) => {
    release = ok
  })
  await page.route('**/assets/*.js', async (r) => {
    await released
    // A route of a page that has since navigated away is already closed.
    await r.continue().catch(() => {})
  })
  return async () => {
    release()
    await page.unroute('**/assets/*.js')
  }
}

/** The saved snapshot's account key and row names, as the page's storage holds them. */
const saved = (page: Page) =>
  page.evaluate(() => {
    const account = localStorage.getItem('frontline.account') ?? ''
    const raw = localStorage.getItem(`frontline.requests.${account}`)
    const keys = Object.keys(localStorage).filter((k) => k.startsWith('frontline.requests.'))
    return {
      account,
      keys,
      names: raw ? (JSON.parse(raw) as { rows: { name: string }[] }).rows.map((r) => r.name) : [],
    }
  })

const boxes = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect()
      return { href: e.getAttribute('href'), x: r.x, y: r.y, w: r.width, h: r.height }
    }),
  )

test('A6 warm start: the last Requests rows paint before the app (as links, client text as text), the app takes over in place, and sign-out or a switch leaves none of them', async ({
  page,
  request,
  server,
}) => {
  test.setTimeout(90_000)
  const tag = randomUUID().slice(0, 6)
  const alice = `Alice ${tag}`
  const hostile = `<img src=x onerror="window.__pwned=1">${tag}`
  await visitorWrites(request, server.baseURL, alice, 'Where is my order?')
  await visitorWrites(request, server.baseURL, hostile, 'Hi')
  await page.goto('/')
  await signIn(page, server, 'op1@demo')
  await chooseStatus(page, /Available/)
  await page.getByRole('link', { name: 'Requests' }).click()
  await expect(page.getByRole('link', { name: new RegExp(alice) })).toBeVisible()
  // The app saves the list once it has settled (debounced, idle time).
  await expect.poll(async () => (await saved(page)).names).toEqual(expect.arrayContaining([alice, hostile]))

  // What the list went through, as the DOM says: the shell's rows, the app's, both (the app's still
  // unseen under the shell) or none — the rows must never blink out between the two.
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __rows: string[] }).__rows = seen
    const note = () => {
      const shell = document.querySelectorAll('#root > .boot a[href^="/requests/"]').length > 0
      const live = document.querySelectorAll('.requests-page[data-live] .vrow a').length > 0
      const state = shell && live ? 'both' : shell ? 'shell' : live ? 'live' : 'none'
      if (seen.at(-1) !== state) seen.push(state)
    }
    new MutationObserver(note).observe(document, { childList: true, subtree: true, attributes: true })
    // Layout shifts as the browser scores them (CLS): the app taking over must not move what shows.
    const w = window as unknown as { __shift: number }
    w.__shift = 0
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__shift += (e as unknown as { value: number }).value
    }).observe({ type: 'layout-shift', buffered: true })
  })
  // A reload with the app bundle held back: what shows is index.html's shell with the saved rows.
  const release = await holdBundle(page)
  await page.reload({ waitUntil: 'commit' })
  const shellRows = page.locator('#root > .boot[data-snapshot] main a[href^="/requests/"]')
  await expect(shellRows.filter({ hasText: alice })).toBeVisible()
  await expect(shellRows.filter({ hasText: hostile })).toBeVisible()
  expect(await page.locator('.boot img:not(.login-logo)').count()).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  const before = await boxes(page, '#root > .boot main a[href^="/requests/"]')
  // The screenshot pair (attached for a reader to compare; the boxes below are the check).
  await page.screenshot({ path: test.info().outputPath('1-shell.png') })
  await test
    .info()
    .attach('1-shell.png', { path: test.info().outputPath('1-shell.png'), contentType: 'image/png' })
  expect(before.length).toBeGreaterThanOrEqual(2)
  expect(await page.evaluate(() => document.documentElement.dataset.bootTab)).toBe('requests')

  // The app takes over: its own rows (data-live), each once, where the shell's were.
  await release()
  const live = page.locator('.requests-page[data-live] a[href^="/requests/"]')
  await expect(live.filter({ hasText: alice })).toBeVisible()
  await expect(page.locator('.boot')).toHaveCount(0)
  const states = await page.evaluate(() => (window as unknown as { __rows: string[] }).__rows)
  expect(states.slice(states.indexOf('shell'))).not.toContain('none')
  expect(states.at(-1)).toBe('live')
  const shift = await page.evaluate(() => (window as unknown as { __shift: number }).__shift)
  console.log(`layout shift over the takeover: ${shift}`)
  expect(shift).toBeLessThan(0.01)
  await expect(page.locator('main a[href^="/requests/"]').filter({ hasText: alice })).toHaveCount(1)
  await expect(page.locator('main a[href^="/requests/"]').filter({ hasText: hostile })).toHaveCount(1)
  const after = await boxes(page, 'main a[href^="/requests/"]')
  await page.screenshot({ path: test.info().outputPath('2-live.png') })
  await test
    .info()
    .attach('2-live.png', { path: test.info().outputPath('2-live.png'), contentType: 'image/png' })
  for (const b of before) {
    const a = after.find((x) => x.href === b.href)
    expect(a, `live row for ${b.href}`).toBeDefined()
    expect({ x: a?.x, y: a?.y, w: a?.w, h: a?.h }).toEqual({ x: b.x, y: b.y, w: b.w, h: b.h })
  }

  // A tap on a painted row before the app runs is a plain navigation to that chat.
  const again = await holdBundle(page)
  await page.reload({ waitUntil: 'commit' })
  const href = await shellRows.filter({ hasText: alice }).getAttribute('href')
  await shellRows.filter({ hasText: alice }).click()
  await expect(page).toHaveURL(new RegExp(`${href}$`))
  await again()
  await expect(page.getByRole('heading', { level: 1, name: alice })).toBeVisible()

  // Sign out: a reload of /requests shows no rows of the account that left.
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL(/\/login/)
  expect((await saved(page)).keys).toEqual([])
  const third = await holdBundle(page)
  await page.goto('/requests', { waitUntil: 'commit' })
  await expect(page.locator('.boot .topbar')).toBeVisible()
  await expect(page.locator('.boot a')).toHaveCount(0)
  await third()

  // A switch to another saved account: op1's rows are gone before op2 has any of his own.
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await login(page, 'op1@demo', server.password)
  await page.getByRole('link', { name: 'Requests' }).click()
  await expect(page.locator('main a[href^="/requests/"]').filter({ hasText: alice })).toBeVisible()
  await expect.poll(async () => (await saved(page)).names).toContain(alice)
  await page.getByRole('link', { name: 'Account' }).click()
  await page.getByRole('button', { name: 'Add account' }).click()
  await login(page, 'op2@demo', server.password)
  await expect(page.getByRole('button', { name: /^Status:/ })).toBeVisible()
  expect((await saved(page)).keys).toEqual([])
  const fourth = await holdBundle(page)
  await page.goto('/requests', { waitUntil: 'commit' })
  await expect(page.locator('.boot .topbar')).toBeVisible()
  await expect(page.locator('.boot a')).toHaveCount(0)
  await fourth()
})

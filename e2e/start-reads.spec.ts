/**
 * Issue 11 item 8 (the signed-in start): every snapshot the start reads over REST — session,
 * contacts, statuses, chats, leads, templates, calls, transfer offers — is asked for once, whoever
 * needs it (the badge, the screen, the warm-up: lib/sync start-reads), at a first sign-in and at a
 * reload of Requests alike.
 */
import type { Page } from '@playwright/test'
import { expect, login, test } from './fixtures.ts'
import { finishWalkthrough } from './helpers.ts'

const START_READS = [
  '/api/me',
  '/api/contacts/employees',
  '/api/contacts/groups',
  '/api/contacts/clients',
  '/api/statuses',
  '/api/chats?tab=new',
  '/api/chats?tab=active',
  '/api/leads',
  '/api/templates',
  '/api/calls?scope=mine',
  '/api/calls?scope=all',
  '/api/calls/missed',
  '/api/transfers',
]

/** Counts the page's GET /api reads by path (and the `tab`/`scope` that makes them different lists). */
function countReads(page: Page): Map<string, number> {
  const seen = new Map<string, number>()
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (r.method() !== 'GET' || !u.pathname.startsWith('/api/')) return
    const which = u.searchParams.get('tab') ?? u.searchParams.get('scope')
    const key = u.pathname + (which ? `?${u.pathname.endsWith('/calls') ? 'scope' : 'tab'}=${which}` : '')
    seen.set(key, (seen.get(key) ?? 0) + 1)
  })
  return seen
}

/** The warm-up's last reads have answered and nothing else is on the way. */
async function settled(page: Page, warm: Promise<unknown>): Promise<void> {
  await warm
  await page.waitForLoadState('networkidle')
}

const warmUp = (page: Page) =>
  Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/templates')),
    page.waitForResponse((r) => r.url().includes('/api/calls?scope=all')),
  ])

test('A6 start reads: a first sign-in and a reload of Requests ask for each snapshot once', async ({
  page,
  server,
}) => {
  const first = countReads(page)
  const firstWarm = warmUp(page)
  await login(page, 'op1@demo', server.password)
  await settled(page, firstWarm)
  for (const read of START_READS) expect.soft(first.get(read) ?? 0, `first start: ${read}`).toBe(1)
  // A screen first opened after the start (past the walk-through) reads for itself: not counted.
  page.removeAllListeners('request')
  await finishWalkthrough(page)

  page.removeAllListeners('request')
  const again = countReads(page)
  const warm = warmUp(page)
  await page.goto('/requests')
  await expect(page.getByRole('tab', { name: /^New/ })).toBeVisible()
  await settled(page, warm)
  for (const read of START_READS) expect.soft(again.get(read) ?? 0, `reload: ${read}`).toBe(1)
})

/**
 * SPEC C1, C8 on a real PBX (issue 11 items 2–3): the incoming screen gives context — what the line is
 * for, who transferred the call — and the history tells the story: day headers, durations, the
 * transfer chain, and search that reads "8 916 …" as "+7 916 …".
 */
import type { Browser } from '@playwright/test'
import type { FrontlineServer } from './fixtures.ts'
import { expect, test } from './fixtures.ts'
import {
  accept,
  account,
  closeAll,
  digits,
  everyoneOff,
  expectAudioBothWays,
  expectCalls,
  hangUp,
  inCall,
  incoming,
  openPhone,
  siteCustomer,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

const CUSTOMER = '+79164000201'

/**
 * A site customer calls Support (the demo's "Support · Yandex Direct" line); op4 answers and hands
 * the call blind to Anna (op1), who answers. Checks each incoming screen on the way.
 */
async function transferredCall(browser: Browser, server: FrontlineServer) {
  const anna = account(server, 'op1@demo').name
  const boris = account(server, 'op4@demo').name
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op4 = await openPhone(browser, server, 'op4@demo')
  const customer = await siteCustomer(browser, server, CUSTOMER)
  await customer.call('Support')
  const first = incoming(op4.page)
  await expect(first).toBeVisible({ timeout: 15_000 })
  // What the line is for, not "+7495…"; the number once; no "+" pretending to be a button.
  await expect(first.getByTestId('incoming-via')).toHaveText(/Support · Yandex Direct/, { timeout: 10_000 })
  await expect(first).not.toContainText('+7495')
  await expect(first).not.toContainText('+74951204561')
  const shown = (await first.textContent()) ?? ''
  expect(shown.match(/916\D?400\D?02\D?01/g) ?? []).toHaveLength(1)
  await expect(first.locator('.call-avatar')).not.toHaveText('+')
  await expect(first.getByText('Swipe right to accept').first()).toBeAttached()
  await accept(op4.page)
  await expectAudioBothWays(op4.page)
  // In the call the screen says the same: the line by its name, the number once.
  const talking = inCall(op4.page)
  await expect(talking.getByTestId('incall-via')).toHaveText(/Support · Yandex Direct/)
  await expect(talking).not.toContainText('+7495')
  expect(((await talking.textContent()) ?? '').match(/916\D?400\D?02\D?01/g) ?? []).toHaveLength(1)
  await inCall(op4.page).getByRole('button', { name: 'Transfer' }).click()
  const picker = op4.page.getByRole('dialog', { name: 'Transfer the call' })
  await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
  const second = incoming(op1.page)
  await expect(second).toBeVisible({ timeout: 15_000 })
  await expect(second.getByTestId('incoming-transferred')).toHaveText(`Transferred by ${boris}`, {
    timeout: 10_000,
  })
  await expect(second.getByTestId('incoming-via')).toHaveText(/Support · Yandex Direct/)
  await accept(op1.page)
  await expectCalls(op4.page, [])
  await expectAudioBothWays(op1.page)
  await expect(inCall(op1.page).getByTestId('incall-transferred')).toHaveText(`Transferred by ${boris}`)
  await op1.page.waitForTimeout(1200) // some talk time: the list shows a duration
  await hangUp(op1.page)
  return { op1, op4, customer, anna, boris }
}

test('C1 the incoming screen shows the virtual number\'s name and "transferred by"', async ({
  browser,
  server,
}) => {
  const { op1, op4, customer } = await transferredCall(browser, server)
  await closeAll(op1, op4, customer)
})

test('C8 day headers, durations, transfer chain, search with an 8-prefixed number', async ({
  browser,
  server,
}) => {
  const { op1, op4, customer, anna, boris } = await transferredCall(browser, server)
  const page = op1.page
  await page.getByRole('link', { name: 'Calls', exact: true }).click()
  const mine = page.getByRole('list', { name: 'My calls' })
  await expect(mine.getByRole('heading', { name: 'Today' })).toBeVisible({ timeout: 10_000 })
  const row = mine
    .locator('.call-row')
    .filter({ hasText: `${boris} → ${anna}` })
    .first() // newest first: this test's call (the worker's server may hold earlier ones)
  await expect(row).toBeVisible({ timeout: 10_000 })
  await expect(row).toContainText(/Duration\s*\d+:\d\d/)
  await expect(row).toContainText('via Support')
  // The customer's number as people dictate it: 8 instead of +7, spaces instead of dashes.
  const national = digits(CUSTOMER).slice(1)
  const typed = `8 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`
  await page.getByRole('tab', { name: 'All calls' }).click()
  const all = page.getByRole('list', { name: 'All calls' })
  await page.getByRole('searchbox', { name: 'Search calls by number or name' }).fill(typed)
  await expect(
    all
      .locator('.call-row')
      .filter({ hasText: `${boris} → ${anna}` })
      .first(),
  ).toBeVisible({
    timeout: 10_000,
  })
  await page.getByRole('searchbox', { name: 'Search calls by number or name' }).fill('8 999 000 00 00')
  await expect(page.getByText('No calls match the search')).toBeVisible()
  await closeAll(op1, op4, customer)
})

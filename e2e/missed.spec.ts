/**
 * SPEC C9, issue 11 §4–5: missed calls a team can work — grouped by the group called (mine first,
 * a filter), repeat callers folded with a count, "Mark handled" and Undo seen by a colleague live —
 * and a site caller nobody can answer reads it in words and leaves a number for a call back, which
 * lands in the shared list as a call-back request of the same website visitor.
 */
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'
import { everyoneOff, num, SALES_VN, SUPPORT_VN, tokenOf } from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

/** A call-back request as the demo site sends it. */
async function leaveNumber(
  request: APIRequestContext,
  server: FrontlineServer,
  data: Record<string, unknown>,
): Promise<string> {
  const r = await request.post(`${server.baseURL}/api/site/callback`, { data: { tenant: 'demo', ...data } })
  expect(r.status(), await r.text()).toBe(201)
  return ((await r.json()) as { id: string }).id
}

async function openMissed(page: Page) {
  await page.getByRole('link', { name: 'Calls', exact: true }).click()
  await page.getByRole('tab', { name: /^Missed/ }).click()
}

const rowOf = (page: Page, phone: string) => page.locator('.missed-row').filter({ hasText: num(phone) })

test('C9 grouping, folding and Undo', async ({ browser, request, server }) => {
  const run = String(Date.now()).slice(-4)
  const twice = `+7916100${run}`
  const once = `+7916200${run}`
  const support = `+7916300${run}`
  // Two calls of one caller to Sales, written two ways; another Sales caller; then — newest — Support.
  await leaveNumber(request, server, {
    phone: `8 916 100-${run.slice(0, 2)}-${run.slice(2)}`,
    number: SALES_VN,
  })
  await leaveNumber(request, server, { phone: twice, number: SALES_VN })
  await leaveNumber(request, server, { phone: once, number: SALES_VN })
  await leaveNumber(request, server, { phone: support, number: SUPPORT_VN })

  // op1 is in Sales, op5 in Support: each sees his own group first, though Support's call is newer.
  const op1 = await operatorPhone(browser, server, 'op1@demo')
  const op5 = await operatorPhone(browser, server, 'op5@demo')
  await openMissed(op1.page)
  await openMissed(op5.page)
  const headings = (p: Page) => p.locator('.missed-group')
  await expect(rowOf(op1.page, twice)).toBeVisible({ timeout: 10_000 })
  await expect(headings(op1.page).first()).toContainText('Sales')
  await expect(headings(op1.page).first()).toContainText('my group')
  await expect(headings(op5.page).first()).toContainText('Support')

  // Folding: one row with a count for the repeat caller, the other caller a row of his own.
  await expect(rowOf(op1.page, twice)).toHaveCount(1)
  await expect(rowOf(op1.page, twice)).toContainText('2 times')
  await expect(rowOf(op1.page, once)).not.toContainText(/\d times/)

  // The filter: only my groups.
  await op1.page.getByRole('button', { name: 'My groups' }).click()
  await expect(rowOf(op1.page, support)).toHaveCount(0)
  await expect(rowOf(op1.page, twice)).toBeVisible()
  await op1.page.getByRole('button', { name: 'All groups' }).click()
  await expect(rowOf(op1.page, support)).toBeVisible()

  // Mark handled (a labelled button, not an icon only): both calls leave, for op5 too, live.
  await expect(rowOf(op5.page, twice)).toBeVisible()
  await rowOf(op1.page, twice).getByRole('button', { name: 'Mark handled' }).click()
  await expect(rowOf(op1.page, twice)).toHaveCount(0)
  await expect(rowOf(op5.page, twice)).toHaveCount(0, { timeout: 10_000 })
  // The Undo line is in the page's flow: it never covers the list.
  const notice = op1.page.locator('.missed-notice')
  await expect(notice).toContainText('Marked handled')
  // The number as the row showed it ("+7 9…" grouped), not the raw E.164.
  await expect(notice).toContainText(/\+\d \d{3} \d{3}/)
  const a = await notice.boundingBox()
  const b = await op1.page.locator('.missed-list').boundingBox()
  expect(a && b && a.y + a.height <= b.y).toBe(true)

  // Undo: the caller is back, folded, for both.
  await notice.getByRole('button', { name: 'Undo' }).click()
  await expect(rowOf(op1.page, twice)).toContainText('2 times', { timeout: 10_000 })
  await expect(rowOf(op5.page, twice)).toContainText('2 times', { timeout: 10_000 })
  await expect(notice).toHaveCount(0)
  await op1.context.close()
  await op5.context.close()
})

test('C9 a site caller with nobody available leaves a call-back number', async ({
  browser,
  request,
  server,
}) => {
  // The visitor chatted before: the widget keeps his token, and the request must be his.
  const s = await request.post(`${server.baseURL}/api/visitor/session`, {
    data: { tenant: 'demo', page: { url: `${server.baseURL}/site/` } },
  })
  expect(s.ok()).toBe(true)
  const { token, visitorId } = (await s.json()) as { token: string; visitorId: string }
  const context = await browser.newContext({ baseURL: server.baseURL, permissions: ['microphone'] })
  await context.addInitScript((t) => {
    if (!localStorage.getItem('frontline.widget.demo'))
      localStorage.setItem('frontline.widget.demo', JSON.stringify({ token: t }))
  }, token)
  const page = await context.newPage()
  await page.goto('/site/')
  await expect(page.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })

  // Everyone is off work: nobody can answer. The page says so in words, never a SIP code.
  await page.getByRole('radio', { name: /^Sales/ }).check()
  await page.getByRole('button', { name: 'Call', exact: true }).click()
  const state = page.locator('#state')
  await expect(state).toHaveText('Sorry, nobody can answer right now.', { timeout: 30_000 })
  await expect(state).not.toHaveText(/\d{3}/)
  await page.getByRole('button', { name: 'Русский' }).click()
  await expect(state).toHaveText('К сожалению, сейчас никто не может ответить.')
  await page.getByRole('button', { name: 'English' }).click()

  // A bad number: a clear error, nothing stored.
  const form = page.locator('#callback-form')
  await form.getByLabel('Number to call you back on').fill('12345')
  await form.getByRole('button', { name: 'Call me back' }).click()
  await expect(page.locator('#callback-state')).toHaveText(/not a valid phone number/)

  // A good one, with script for a name: stored and shown as text.
  const phone = `+7916400${String(Date.now()).slice(-4)}`
  const name = '<img src=x onerror="window.__pwned=1">Анна'
  await form.getByLabel('Number to call you back on').fill(phone)
  await form.getByLabel('Your name (optional)').fill(name)
  await form.getByRole('button', { name: 'Call me back' }).click()
  await expect(page.locator('#callback-state')).toHaveText('Thank you! We will call you back soon.')
  // Sent once: the form goes away, so a second tap cannot send a second request (probe 12 UI #16).
  await expect(form).toBeHidden()

  // It is in the shared Missed list: a call-back request of Sales, his name as text, his visitor id.
  const op = await operatorPhone(browser, server, 'op2@demo')
  await openMissed(op.page)
  const row = rowOf(op.page, phone)
  await expect(row).toBeVisible({ timeout: 10_000 })
  await expect(row).toContainText('Asked for a call back')
  // His missed call on the guest line (he typed no number for it) is the same row now.
  await expect(row).toContainText('2 times')
  await expect(op.page.locator('.missed-row').filter({ hasText: /guest-/ })).toHaveCount(0)
  await expect(row.getByText(name, { exact: true })).toBeVisible()
  await expect(row.locator('img')).toHaveCount(0)
  expect(await op.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
  const t = await tokenOf(request, server, 'op2@demo')
  const list = await request.get(`${server.baseURL}/api/calls/missed`, {
    headers: { authorization: `Bearer ${t}` },
  })
  const item = ((await list.json()) as { items: Record<string, unknown>[] }).items.find(
    (c) => c.peerNumber === phone,
  )
  expect(item).toMatchObject({ callbackRequest: true, groupName: 'Sales', visitorId, callbackName: name })
  await op.context.close()
  await context.close()
})

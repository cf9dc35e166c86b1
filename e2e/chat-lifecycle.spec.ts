/**
 * SPEC T7 (chat transfer) and T8 (completion) on a real PBX: "online" is the one presence rule — a
 * colleague's app has a live line (contract/presence.ts) and his status allows chats — so the phones
 * here register with Kamailio. Clients write through the website chat's visitor API (the widget's).
 */
import { randomUUID } from 'node:crypto'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { account, closeAll, everyoneOff, openPhone, tokenOf } from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

/** A website visitor writes; returns his name. */
async function visitorWrites(request: APIRequestContext, server: FrontlineServer, text = 'Нужна помощь') {
  const first = await request.post('/api/visitor/session', {
    data: { tenant: 'demo', page: { url: `${server.baseURL}/site/`, referrer: null } },
  })
  expect(first.ok(), await first.text()).toBe(true)
  const { token } = (await first.json()) as { token: string }
  const name = `Guest ${randomUUID().slice(0, 6)}`
  const res = await request.post('/api/visitor/messages', {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: randomUUID(), text, name },
  })
  expect(res.ok(), await res.text()).toBe(true)
  return { name, token }
}

/** The admin's lifecycle settings (T7's timeout). */
async function chatSettings(request: APIRequestContext, server: FrontlineServer, transferTimeoutSec: number) {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.put(`${server.baseURL}/api/admin/chat-settings`, {
    headers: { authorization: `Bearer ${token}` },
    data: { transferTimeoutSec, closingText: '' },
  })
  expect(r.ok(), await r.text()).toBe(true)
}

const requests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()
const chatLink = (page: Page, name: string) =>
  page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })
const tab = (page: Page, name: RegExp) => page.getByRole('tab', { name })

/** `page` takes the visitor's chat and stays in the conversation. */
async function take(page: Page, name: string) {
  await requests(page)
  await tab(page, /^New/).click()
  await chatLink(page, name).click()
  await page.getByRole('button', { name: 'Accept chat' }).click()
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
}

/** Opens the transfer picker of the open conversation. */
async function picker(page: Page) {
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Transfer', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Transfer the chat' })
  await expect(dialog).toBeVisible()
  return dialog
}

const offer = (page: Page) => page.getByRole('alertdialog', { name: /offers you the chat with/ })

test('T7 accept: the colleague gets the offer with the comment and the last messages, accepts; "Transferred" for the sender, then the chat moves', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op2 = await openPhone(browser, server, 'op2@demo')
  const { name } = await visitorWrites(request, server, 'Хочу скидку')
  await take(op1.page, name)
  const dialog = await picker(op1.page)
  await dialog.getByRole('textbox', { name: 'Comment for the colleague' }).fill('VIP-клиент')
  await dialog
    .getByRole('button', { name: `Transfer the chat to ${account(server, 'op2@demo').name}` })
    .click()
  const card = offer(op2.page)
  await expect(card).toContainText('VIP-клиент')
  await expect(card).toContainText('Хочу скидку')
  await expect(card.getByRole('timer')).toHaveText(/\d+ s left/)
  // The sender keeps chatting meanwhile.
  await op1.page.getByRole('textbox', { name: 'Message' }).fill('Минуту, передаю коллеге')
  await op1.page.getByRole('button', { name: 'Send', exact: true }).click()
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(op1.page.getByText(/^Transferred to /)).toBeVisible()
  await requests(op1.page)
  await tab(op1.page, /^In work/).click()
  await expect(chatLink(op1.page, name)).toContainText('Transferred')
  // The handover job (5 s): the chat leaves the sender's In work and appears in the colleague's.
  await expect(chatLink(op1.page, name)).toHaveCount(0, { timeout: 15_000 })
  await requests(op2.page)
  await tab(op2.page, /^In work/).click()
  await expect(chatLink(op2.page, name)).toBeVisible({ timeout: 15_000 })
  await closeAll(op1, op2)
})

test('T7 decline → "Transfer failed" until opened', async ({ browser, request, server }) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op2 = await openPhone(browser, server, 'op2@demo')
  const { name } = await visitorWrites(request, server)
  await take(op1.page, name)
  const dialog = await picker(op1.page)
  await dialog
    .getByRole('button', { name: `Transfer the chat to ${account(server, 'op2@demo').name}` })
    .click()
  await offer(op2.page).getByRole('button', { name: 'Decline' }).click()
  await expect(offer(op2.page)).toHaveCount(0)
  await requests(op1.page)
  await tab(op1.page, /^In work/).click()
  const row = chatLink(op1.page, name)
  await expect(row).toContainText('Transfer failed')
  await row.click()
  await expect(op1.page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  await op1.page.getByRole('link', { name: 'Back to requests' }).click()
  await tab(op1.page, /^In work/).click()
  await expect(chatLink(op1.page, name)).toBeVisible()
  await expect(chatLink(op1.page, name)).not.toContainText('Transfer failed')
  await closeAll(op1, op2)
})

test('T7 30 s expiry (the tenant\'s timeout lowered to 3 s): "Transfer failed", the offer is gone', async ({
  browser,
  request,
  server,
}) => {
  await chatSettings(request, server, 3)
  try {
    const op1 = await openPhone(browser, server, 'op1@demo')
    const op2 = await openPhone(browser, server, 'op2@demo')
    const { name } = await visitorWrites(request, server)
    await take(op1.page, name)
    const dialog = await picker(op1.page)
    await dialog
      .getByRole('button', { name: `Transfer the chat to ${account(server, 'op2@demo').name}` })
      .click()
    await expect(offer(op2.page)).toBeVisible()
    // Nobody answers: the server's expiry job ends it.
    await expect(offer(op2.page)).toHaveCount(0, { timeout: 15_000 })
    await requests(op1.page)
    await tab(op1.page, /^In work/).click()
    await expect(chatLink(op1.page, name)).toContainText('Transfer failed', { timeout: 15_000 })
    await closeAll(op1, op2)
  } finally {
    await chatSettings(request, server, 30)
  }
})

test('T7 without confirmation: handed over at once', async ({ browser, request, server }) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op2 = await openPhone(browser, server, 'op2@demo')
  const { name } = await visitorWrites(request, server)
  await take(op1.page, name)
  const dialog = await picker(op1.page)
  await dialog.getByRole('checkbox', { name: 'Send without confirmation' }).check()
  await dialog
    .getByRole('button', { name: `Transfer the chat to ${account(server, 'op2@demo').name}` })
    .click()
  await requests(op2.page)
  await tab(op2.page, /^In work/).click()
  await expect(chatLink(op2.page, name)).toBeVisible()
  await expect(offer(op2.page)).toHaveCount(0)
  await requests(op1.page)
  await tab(op1.page, /^In work/).click()
  await expect(chatLink(op1.page, name)).toHaveCount(0)
  await closeAll(op1, op2)
})

test('T7 group shows available / total and a group with none available is disabled', async ({
  browser,
  request,
  server,
}) => {
  // Sales = op1 (the sender), op2, op3 — both offline; Support = op4 (online), op5, op6.
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op4 = await openPhone(browser, server, 'op4@demo')
  const { name } = await visitorWrites(request, server)
  await take(op1.page, name)
  const dialog = await picker(op1.page)
  const groups = dialog.getByRole('list', { name: 'Groups' })
  await expect(groups.getByRole('listitem').filter({ hasText: 'Sales' })).toContainText('0 of 3 available')
  await expect(dialog.getByRole('button', { name: 'Transfer the chat to Sales' })).toBeDisabled()
  await expect(groups.getByRole('listitem').filter({ hasText: 'Support' })).toContainText('1 of 3 available')
  // Live: op5 comes online while the picker is open.
  const op5 = await openPhone(browser, server, 'op5@demo')
  await expect(groups.getByRole('listitem').filter({ hasText: 'Support' })).toContainText('2 of 3 available')
  await dialog.getByRole('button', { name: 'Transfer the chat to Support' }).click()
  // Offered to the group's available members at once.
  await expect(offer(op4.page)).toBeVisible()
  await expect(offer(op5.page)).toBeVisible()
  await offer(op5.page).getByRole('button', { name: 'Accept' }).click()
  // The first accept wins: op4's offer goes.
  await expect(offer(op4.page)).toHaveCount(0)
  await closeAll(op1, op4, op5)
})

test('T7 offline colleague disabled (and one whose status forbids chats)', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op2 = await openPhone(browser, server, 'op2@demo', /Off work/)
  const { name } = await visitorWrites(request, server)
  await take(op1.page, name)
  const dialog = await picker(op1.page)
  const people = dialog.getByRole('list', { name: 'Employees' })
  const op3 = account(server, 'op3@demo').name
  await expect(people.getByRole('listitem').filter({ hasText: op3 })).toContainText('offline')
  await expect(dialog.getByRole('button', { name: `Transfer the chat to ${op3}` })).toBeDisabled()
  const op2name = account(server, 'op2@demo').name
  await expect(people.getByRole('listitem').filter({ hasText: op2name })).toContainText(
    'status forbids chats',
  )
  await expect(dialog.getByRole('button', { name: `Transfer the chat to ${op2name}` })).toBeDisabled()
  await closeAll(op1, op2)
})

/** The idle minutes of the tenant's website chat (T8; null = never). */
async function webchatIdle(request: APIRequestContext, server: FrontlineServer, minutes: number | null) {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.put(`${server.baseURL}/api/admin/channels/webchat/auto-complete`, {
    headers: { authorization: `Bearer ${token}` },
    data: { minutes },
  })
  expect(r.ok(), await r.text()).toBe(true)
}

/** A visitor on the demo site with the real widget open, who writes once. */
async function widgetWrites(browser: Parameters<typeof openPhone>[0], server: FrontlineServer) {
  const site = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await site.newPage()
  await page.goto('/site/')
  await page.getByRole('button', { name: 'Chat with us' }).click()
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await page.getByRole('textbox', { name: 'Your name (optional)' }).fill(name)
  await page.getByRole('textbox', { name: 'Message' }).fill('Здравствуйте')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  return { context: site, page, name, log: page.getByRole('list', { name: 'Chat' }) }
}

test('T8 complete by hand and auto-complete after idle time: the widget shows the conversation ended', async ({
  browser,
  request,
  server,
}) => {
  // One minute is the shortest idle time a channel takes: the second half waits for the server's job.
  test.setTimeout(240_000)
  const op1 = await openPhone(browser, server, 'op1@demo')
  const byHand = await widgetWrites(browser, server)
  await take(op1.page, byHand.name)
  // Complete is in the header's ⋮ menu (as UIS has it) and asks in the app's own dialog.
  await op1.page.getByRole('button', { name: 'More actions' }).click()
  await op1.page.getByRole('menuitem', { name: 'Complete chat' }).click()
  const ask = op1.page.getByRole('alertdialog', { name: 'Complete the chat?' })
  await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await ask.getByRole('button', { name: 'Complete chat' }).click()
  await expect(byHand.log.getByText('The conversation has ended.')).toBeVisible()
  await expect(op1.page.getByText('This chat is completed.')).toBeVisible()

  await webchatIdle(request, server, 1)
  try {
    const idle = await widgetWrites(browser, server)
    await take(op1.page, idle.name)
    await op1.page.getByRole('textbox', { name: 'Message' }).fill('Чем могу помочь?')
    await op1.page.getByRole('button', { name: 'Send', exact: true }).click()
    await expect(idle.log.getByText('Чем могу помочь?')).toBeVisible()
    // Nobody writes: the idle job completes it (a minute after the last message).
    await expect(idle.log.getByText('The conversation has ended.')).toBeVisible({ timeout: 100_000 })
    await expect(op1.page.getByText('This chat is completed.')).toBeVisible()
    await op1.page.getByRole('link', { name: 'Back to requests' }).click()
    await tab(op1.page, /^Completed/).click()
    await expect(chatLink(op1.page, idle.name)).toBeVisible()
    await closeAll(idle)
  } finally {
    await webchatIdle(request, server, null)
  }
  await closeAll(op1, byHand)
})

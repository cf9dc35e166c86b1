/**
 * SPEC T4, S1/S5: the Requests screens on a phone — a long history pages to its first message
 * keeping the reader's place, and New follows the operator's status (Off work is told why it is empty).
 * Set UI_SHOTS=<dir> to keep 412×915 screenshots of the screens.
 */
import { randomUUID } from 'node:crypto'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

const PHONE = { viewport: { width: 412, height: 915 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 }
const shot = async (page: Page, name: string) => {
  if (process.env.UI_SHOTS) await page.screenshot({ path: `${process.env.UI_SHOTS}/${name}.png` })
}

async function visitorChat(request: APIRequestContext, server: FrontlineServer, name: string) {
  const page = { url: `${server.baseURL}/site/`, referrer: null }
  const s = await request.post('/api/visitor/session', { data: { tenant: 'demo', page } })
  const { token } = (await s.json()) as { token: string }
  const res = await request.post('/api/visitor/messages', {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: randomUUID(), text: 'history message #1', name },
  })
  expect(res.ok(), await res.text()).toBe(true)
}

async function apiAs(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post('/api/auth/login', { data: { login, password: server.password } })
  expect(res.ok(), await res.text()).toBe(true)
  const { token } = (await res.json()) as { token: string }
  return { authorization: `Bearer ${token}` }
}

const openRequests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()
const chatLink = (page: Page, name: string) =>
  page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })

test('T4 a 210-message history pages back to its first message, keeping the reader in place', async ({
  browser,
  server,
  request,
}) => {
  test.setTimeout(120_000)
  const name = `Long ${randomUUID().slice(0, 6)}`
  await visitorChat(request, server, name)
  const headers = await apiAs(request, server, 'op4@demo')
  const st = await request.put('/api/me/status', { headers, data: { status: 'available' } })
  expect(st.ok(), await st.text()).toBe(true)
  const list = await request.get('/api/chats?tab=new', { headers })
  const chat = ((await list.json()) as { chats: { id: string; clientName: string }[] }).chats.find(
    (c) => c.clientName === name,
  )
  expect(chat).toBeTruthy()
  const id = chat?.id as string
  expect((await request.post(`/api/chats/${id}/accept`, { headers })).ok()).toBe(true)
  for (let i = 2; i <= 210; i++) {
    const r = await request.post(`/api/chats/${id}/messages`, {
      headers,
      data: { clientMsgId: randomUUID(), text: `history message #${i}` },
    })
    expect(r.ok()).toBe(true)
  }
  const { page, context } = await operatorPhone(browser, server, 'op4@demo', PHONE)
  await page.goto(`/requests/${id}`)
  const list2 = page.getByRole('list', { name: 'Messages', exact: true })
  await expect(list2.getByText('history message #210', { exact: true })).toBeVisible()
  const scroller = page.locator('.msg-scroll')
  // The reader scrolls to the top again and again; each older page lands above him and moves the
  // view down by its height (before: the view stayed at 0, no scroll event came, paging stalled).
  const first = list2.getByText('history message #1', { exact: true })
  for (let i = 0; i < 12 && !(await first.isVisible()); i++) {
    await scroller.evaluate((el) => {
      el.scrollTop = 0
    })
    await expect
      .poll(async () => (await first.isVisible()) || (await scroller.evaluate((el) => el.scrollTop)) > 0)
      .toBe(true)
  }
  await scroller.evaluate((el) => {
    el.scrollTop = 0
  })
  await expect(list2.getByText('history message #1', { exact: true })).toBeVisible()
  await shot(page, 'chat-top')
  await context.close()
})

test('S1/S5 Off work sees no New (and is told why); on Break the chat is there and can be taken', async ({
  browser,
  server,
  request,
}) => {
  const { page, context } = await operatorPhone(browser, server, 'op3@demo', PHONE)
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await visitorChat(request, server, name)
  await chooseStatus(page, /Off work/)
  await openRequests(page)
  await expect(page.getByText('Your status does not allow taking chats')).toBeVisible()
  await expect(chatLink(page, name)).toHaveCount(0)
  await shot(page, 'offwork-new')
  await chooseStatus(page, /Break/)
  await chatLink(page, name).click()
  // op3 has the Accept button off (demo seed): opening takes the chat.
  const accept = page.getByRole('button', { name: 'Accept chat' })
  const box = page.getByRole('textbox', { name: 'Message' })
  // op3 never sees Accept: while the open is in flight the page says so, then the composer shows.
  await expect(box).toBeVisible()
  await expect(accept).toHaveCount(0)
  await shot(page, 'accepted')
  await page.getByRole('textbox', { name: 'Message' }).fill('x')
  await shot(page, 'composer')
  await context.close()
})

test('T3 on a 360 px phone the header shows who the client is (name cleaned of bidi spoofing), its actions are in ⋮, sheets and menus behave as dialogs, the four lists fit one row', async ({
  browser,
  server,
  request,
}) => {
  const SMALL = { ...PHONE, viewport: { width: 360, height: 640 } }
  const { page, context } = await operatorPhone(browser, server, 'op3@demo', SMALL)
  const id = randomUUID().slice(0, 6)
  // U+202E would show "evil" reversed and the rest after it ("live Пётр…") if it reached the screen.
  await visitorChat(request, server, `Пётр Иванов ${id}\u202Eevil`)
  await chooseStatus(page, /Available/)
  await openRequests(page)
  const tabs = page.getByRole('tablist', { name: 'Request lists' }).getByRole('tab')
  await expect(tabs).toHaveCount(4)
  const ys = await tabs.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)))
  expect(new Set(ys).size, `tabs on one row: ${ys}`).toBe(1)
  // …and all four on the screen: none pushed past its right edge (probe 12 UI #4).
  const rights = await tabs.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().right)))
  expect(Math.max(...rights), `tab right edges: ${rights}`).toBeLessThanOrEqual(360)
  await shot(page, '360-requests')

  await chatLink(page, `Пётр Иванов ${id}evil`).click()
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  const name = page.getByRole('heading', { level: 1, name: `Пётр Иванов ${id}evil` })
  await expect(name).toBeVisible()
  expect(await name.textContent()).not.toContain('\u202E')
  const box = await name.boundingBox()
  expect(box).not.toBeNull()
  if (box) {
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(360)
    // The name gets the room: at 360 px it is not squeezed to a few letters by header buttons.
    expect(box.width).toBeGreaterThan(150)
  }
  // The whole name shows at this width (no ellipsis).
  expect(await name.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true)
  await expect(page.getByText('Website chat', { exact: true })).toBeVisible()
  // Complete and Transfer are not header buttons any more: they live in ⋮ (as UIS has it).
  await expect(page.getByRole('button', { name: 'Complete chat' })).toHaveCount(0)
  await shot(page, '360-conversation')

  const more = page.getByRole('button', { name: 'More actions' })
  await more.click()
  const menu = page.getByRole('menu', { name: 'More actions' })
  const items = menu.getByRole('menuitem')
  await expect(items).toHaveText([
    'Request info',
    'Add to contacts',
    'Transfer',
    'Complete chat',
    'Send to CRM',
  ])
  await expect(items.nth(0)).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(items.nth(1)).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await expect(items.nth(4)).toBeFocused()
  await shot(page, '360-menu')
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await expect(more).toBeFocused()
  // A tap outside closes it too.
  await more.click()
  await expect(menu).toBeVisible()
  await page.getByRole('textbox', { name: 'Message' }).click()
  await expect(menu).toHaveCount(0)

  // Request info: a labelled modal sheet that takes focus, closes on Escape and gives focus back.
  await more.click()
  await menu.getByRole('menuitem', { name: 'Request info' }).click()
  const info = page.getByRole('dialog', { name: 'Where the client came from' })
  await expect(info).toHaveAttribute('aria-modal', 'true')
  await expect(info.getByRole('button', { name: 'Close' })).toBeFocused()
  await shot(page, '360-info')
  await page.keyboard.press('Escape')
  await expect(info).toHaveCount(0)
  await expect(more).toBeFocused()
  // One at a time: the menu opened over the sheet closes the sheet.
  await more.click()
  await menu.getByRole('menuitem', { name: 'Request info' }).click()
  await expect(info).toBeVisible()
  await more.click()
  await expect(menu).toBeVisible()
  await expect(info).toHaveCount(0)

  // Complete asks in the app (no browser confirm): Cancel keeps the chat, focus back on ⋮.
  await menu.getByRole('menuitem', { name: 'Complete chat' }).click()
  const ask = page.getByRole('alertdialog', { name: 'Complete the chat?' })
  await expect(ask).toBeVisible()
  await shot(page, '360-complete-ask')
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(ask).toHaveCount(0)
  await expect(more).toBeFocused()
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  await context.close()
})

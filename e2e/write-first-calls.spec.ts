/**
 * SPEC T10 from a number (issue 8 §5, the Ringostat article's call history): tapping a client's number
 * in the call history opens Call, Write, Copy and Insider; Write offers the channels that may write
 * first to it, and the chat opens in In work. The call comes from the demo phone network (`gateway`).
 */
import {
  apiAs,
  DEMO_WA_PHONE_ID,
  deliveryAfterJob,
  demoProviders,
  freshMobile,
  shownState,
} from './channels-helpers.ts'
import { expect, test } from './fixtures.ts'
import {
  closeAll,
  everyoneOff,
  gateway,
  incoming,
  num,
  openPhone,
  SALES_VN,
  setStatuses,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

test('T10 write from a number in call history: the number offers Call, Write, Copy and Insider; Write opens the chat in In work', async ({
  browser,
  request,
  server,
}) => {
  const phone = freshMobile()
  const providers = await demoProviders(request, server)
  const net = await gateway(browser, request, server)
  const op1 = await openPhone(browser, server, 'op1@demo')
  // A client nobody knows calls Sales and gives up while it rings: a missed call with his number.
  await net.call(SALES_VN, phone)
  await expect(incoming(op1.page)).toBeVisible({ timeout: 15_000 })
  await net.hangUp()
  await expect(incoming(op1.page)).toBeHidden()
  await op1.page.getByRole('link', { name: 'Calls', exact: true }).click()
  await op1.page.getByRole('tab', { name: /^Missed/ }).click()
  await op1.page
    .getByRole('button', { name: `Actions for ${phone}` })
    .first()
    .click({ timeout: 10_000 })
  const menu = op1.page.getByRole('dialog', { name: `Actions for ${phone}` })
  for (const name of ['Call', 'Write', 'Copy', 'Insider'])
    await expect(menu.getByRole('button', { name, exact: true })).toBeVisible()
  // Insider comes with its own issue: shown (the article's menu), not yet usable.
  await expect(menu.getByRole('button', { name: 'Insider', exact: true })).toBeDisabled()
  // Copy, then Write: the "Number copied" toast must not cover the write sheet's header.
  await op1.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await menu.getByRole('button', { name: 'Copy', exact: true }).click()
  const copied = op1.page.getByRole('status').filter({ hasText: 'Number copied' })
  await expect(copied).toBeVisible()
  await expect(menu).toBeHidden()
  await op1.page
    .getByRole('button', { name: `Actions for ${phone}` })
    .first()
    .click()
  await menu.getByRole('button', { name: 'Write', exact: true }).click()
  await expect(menu).toBeHidden()

  const sheet = op1.page.getByRole('dialog', { name: 'Write to a client' })
  const head = sheet.getByRole('heading', { name: 'Write to a client' })
  await expect(head).toBeVisible()
  const [a, b] = [await copied.boundingBox(), await head.boundingBox()]
  if (a && b) expect(a.y + a.height <= b.y || b.y + b.height <= a.y, 'toast over the sheet header').toBe(true)
  await expect(sheet.getByRole('textbox', { name: 'Phone, e-mail or Telegram @username' })).toHaveValue(phone)
  // Find ran at once: the channels show without another tap.
  await expect(sheet.getByRole('radio', { name: /^WhatsApp/ })).toBeVisible()
  await expect(sheet.getByRole('radio', { name: /^E-mail/ })).toHaveCount(0)
  await sheet.getByRole('radio', { name: /^WhatsApp/ }).check()
  const text = `Вы звонили нам, ${phone} — чем помочь?`
  await sheet.getByRole('textbox', { name: 'Message' }).fill(text)
  await sheet.getByRole('button', { name: 'Send' }).click()
  await expect(op1.page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/)
  await expect(op1.page.getByText(text)).toBeVisible()
  await expect(op1.page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  const chatId = op1.page.url().split('/').pop() as string
  const me = await apiAs(request, server, 'op1@demo')
  const chat = (await (
    await request.get(`${server.baseURL}/api/chats/${chatId}`, { headers: me.headers })
  ).json()) as {
    chat: { state: string; assigneeId: string; clientPhone: string; channel: string }
  }
  expect(chat.chat).toMatchObject({
    state: 'active',
    assigneeId: me.id,
    clientPhone: phone,
    channel: 'whatsapp',
  })
  await deliveryAfterJob(request, server, me.headers, chatId, text)
  // It reached WhatsApp (the stand-in), and the app shows it sent.
  const wa = await providers.stand.waitFor(
    (c) => c.path === `/${DEMO_WA_PHONE_ID}/messages` && (c.json as { to?: string })?.to === phone,
  )
  expect(wa.json).toMatchObject({ type: 'text', text: { body: text } })
  await expect(shownState(op1.page, text)).toHaveAttribute('aria-label', /^(Sent|Delivered|Read)$/)
  await closeAll(op1, net)
  await providers.close()
})

test('C9 a live change to the missed list keeps the rows: the number menu a user opened stays open', async ({
  browser,
  request,
  server,
}) => {
  const [phone, other] = [freshMobile(), freshMobile()]
  const net = await gateway(browser, request, server)
  const op1 = await openPhone(browser, server, 'op1@demo')
  await net.call(SALES_VN, phone)
  await expect(incoming(op1.page)).toBeVisible({ timeout: 15_000 })
  await net.hangUp()
  await expect(incoming(op1.page)).toBeHidden()
  await op1.page.getByRole('link', { name: 'Calls', exact: true }).click()
  await op1.page.getByRole('tab', { name: /^Missed/ }).click()
  const number = op1.page.getByRole('button', { name: `Actions for ${phone}` }).first()
  await expect(number).toBeVisible()
  // Mark the row's node: a rebuilt row is a new node without the mark.
  await number.evaluate((el) => {
    el.closest('li')?.setAttribute('data-probe', 'kept')
  })
  await number.click()
  const menu = op1.page.getByRole('dialog', { name: `Actions for ${phone}` })
  await expect(menu).toBeVisible()
  // Another client calls Sales while nobody can take it (op1 on a break): a second missed call lands
  // in the list live, above the open row.
  await setStatuses(request, server, { 'op1@demo': 'break' })
  await net.call(SALES_VN, other)
  await expect(op1.page.getByRole('button', { name: `Actions for ${other}` }).first()).toBeVisible({
    timeout: 15_000,
  })
  await expect(op1.page.locator('li[data-probe="kept"]')).toContainText(num(phone))
  await expect(menu).toBeVisible()
  await menu.getByRole('button', { name: 'Close', exact: true }).click()
  await expect(menu).toBeHidden()
  await closeAll(op1, net)
})

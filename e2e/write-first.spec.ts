/**
 * SPEC A5 (the omnichannel option), T10 (write first) and T6 (request info), issue 8 §4, §5, §8.
 * Write first goes through the demo tenant's connected WhatsApp, SMS and e-mail channels, pointed by
 * the admin API at a provider stand-in and a capturing SMTP relay: the message reaches them, and the
 * app shows it sent.
 */
import { createHmac } from 'node:crypto'
import type { Page } from '@playwright/test'
import {
  apiAs,
  DEMO_WA_PHONE_ID,
  deliveryAfterJob,
  demoProviders,
  freshMobile,
  setOmni,
  shownState,
} from './channels-helpers.ts'
import { expect, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Sections' })

test('A5 omnichannel off hides Requests and the chat API refuses; the softphone stays; on again, Requests is back', async ({
  browser,
  request,
  server,
}) => {
  // Open in Requests while the admin switches it off: the server's tenant.features event reaches the
  // app, which leaves Requests and drops its tab at once — no tap, no reload.
  const open = await operatorPhone(browser, server, 'op2@demo')
  await tabs(open.page).getByRole('link', { name: 'Requests' }).click()
  await expect(open.page.getByRole('tab', { name: /^In work/ })).toBeVisible()
  await setOmni(request, server, false)
  try {
    await expect(open.page).toHaveURL(/\/calls$/)
    await expect(tabs(open.page).getByRole('link', { name: 'Requests' })).toHaveCount(0)
    await open.context.close()
    const op = await operatorPhone(browser, server, 'op1@demo')
    await expect(tabs(op.page).getByRole('link', { name: 'Calls' })).toBeVisible()
    await expect(tabs(op.page).getByRole('link', { name: 'Requests' })).toHaveCount(0)
    // No route leads into it either.
    await op.page.goto('/requests')
    await expect(op.page).toHaveURL(/\/calls$/)
    await expect(tabs(op.page).getByRole('link', { name: 'Requests' })).toHaveCount(0)
    const me = await apiAs(request, server, 'op1@demo')
    for (const url of [
      '/api/chats?tab=new',
      '/api/templates',
      '/api/chats/write-first?address=%2B79161234567',
    ]) {
      const r = await request.get(`${server.baseURL}${url}`, { headers: me.headers })
      expect(r.status(), url).toBe(403)
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('E_OMNI_OFF')
    }
    expect((await request.get(`${server.baseURL}/api/calls`, { headers: me.headers })).status()).toBe(200)
    // The site's widget asks at start and shows no launcher (no dead chat to type into).
    const site = await browser.newPage({ baseURL: server.baseURL })
    const asked = site.waitForResponse((r) => r.url().includes('/api/visitor/open'))
    await site.goto('/site/')
    expect(await (await asked).json()).toEqual({ open: false })
    await expect(site.locator('#frontline-widget')).toHaveCount(0)
    await expect(site.getByRole('button', { name: 'Chat with us' })).toHaveCount(0)
    await setOmni(request, server, true)
    await site.reload()
    await expect(site.getByRole('button', { name: 'Chat with us' })).toBeVisible()
    await site.close()
    // On again: the open app gets Requests back live (no reload).
    await expect(tabs(op.page).getByRole('link', { name: 'Requests' })).toBeVisible()
    await op.context.close()
  } finally {
    await setOmni(request, server, true)
  }
})

/** Requests → pencil → address → Find → channel → message → Send; returns the chat id from the URL. */
async function writeFirst(page: Page, address: string, channel: RegExp, text: string): Promise<string> {
  await tabs(page).getByRole('link', { name: 'Requests' }).click()
  await page.getByRole('button', { name: 'Write first' }).click()
  const sheet = page.getByRole('dialog', { name: 'Write to a client' })
  await sheet.getByRole('textbox', { name: 'Phone, e-mail or Telegram @username' }).fill(address)
  await sheet.getByRole('button', { name: 'Find' }).click()
  await sheet.getByRole('radio', { name: channel }).check()
  await sheet.getByRole('textbox', { name: 'Message' }).fill(text)
  await sheet.getByRole('button', { name: 'Send' }).click()
  await expect(sheet).toBeHidden()
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/)
  // The conversation is mine to write in (In work), with the first message in it.
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  await expect(page.getByText(text)).toBeVisible()
  // The provider took it: the app shows it sent (not "Not delivered").
  await expect(shownState(page, text)).toHaveAttribute('aria-label', /^(Sent|Delivered|Read)$/, {
    timeout: 15_000,
  })
  return page.url().split('/').pop() as string
}

test('T10 write first over WhatsApp, SMS and e-mail: only the channels that may write first are offered; each chat opens in In work and its message reaches the provider (stand-in, relay) and shows Sent', async ({
  browser,
  request,
  server,
}) => {
  const providers = await demoProviders(request, server)
  const op = await operatorPhone(browser, server, 'op1@demo', { locale: 'en-US' })
  const phone = freshMobile()
  const email = `client-${Date.now()}@example.com`
  // A phone is offered the phone channels only (no e-mail, no Telegram bot: it cannot write first).
  await tabs(op.page).getByRole('link', { name: 'Requests' }).click()
  await op.page.getByRole('button', { name: 'Write first' }).click()
  const sheet = op.page.getByRole('dialog', { name: 'Write to a client' })
  await sheet.getByRole('textbox', { name: 'Phone, e-mail or Telegram @username' }).fill(`8${phone.slice(2)}`)
  await sheet.getByRole('button', { name: 'Find' }).click()
  const offered = sheet.getByRole('radio')
  await expect(offered.first()).toBeVisible()
  const names = await sheet.locator('.wf-channel').allInnerTexts()
  expect(names.some((n) => n.startsWith('WhatsApp'))).toBe(true)
  expect(names.some((n) => n.startsWith('SMS'))).toBe(true)
  expect(names.some((n) => /E-mail|Telegram bot/.test(n))).toBe(false)
  // The typed number is normalised (E.164).
  await expect(sheet.getByText(phone, { exact: true })).toBeVisible()
  await sheet.getByRole('button', { name: 'Close' }).click()

  const sent = [
    { address: phone, channel: /^WhatsApp · WhatsApp \+7/, text: `Здравствуйте! WhatsApp ${phone}` },
    { address: phone, channel: /^SMS · SMS \+7/, text: `Здравствуйте! SMS ${phone}` },
    { address: email, channel: /^E-mail · E-mail support@/, text: `Здравствуйте! E-mail ${email}` },
  ]
  const chatIds: string[] = []
  for (const s of sent) chatIds.push(await writeFirst(op.page, s.address, s.channel, s.text))
  expect(new Set(chatIds).size).toBe(3)

  // All three are in my In work.
  const me = await apiAs(request, server, 'op1@demo')
  const active = (await (
    await request.get(`${server.baseURL}/api/chats?tab=active`, { headers: me.headers })
  ).json()) as {
    chats: { id: string; assigneeId: string; state: string; channel: string }[]
  }
  for (const [i, id] of chatIds.entries()) {
    const c = active.chats.find((x) => x.id === id)
    expect(c, sent[i]?.text).toMatchObject({ assigneeId: me.id, state: 'active' })
  }
  expect(chatIds.map((id) => active.chats.find((x) => x.id === id)?.channel)).toEqual([
    'whatsapp',
    'sms',
    'email',
  ])
  await tabs(op.page).getByRole('link', { name: 'Requests' }).click()
  await op.page.getByRole('tab', { name: /^In work/ }).click()
  await expect(op.page.getByRole('link', { name: new RegExp(`^Open chat with ${email}`) })).toBeVisible()
  // Each first message reached its provider, and is sent (not failed) in the app.
  for (const [i, id] of chatIds.entries())
    await deliveryAfterJob(request, server, me.headers, id, sent[i]?.text ?? '')
  const wa = await providers.stand.waitFor(
    (c) => c.path === `/${DEMO_WA_PHONE_ID}/messages` && (c.json as { to?: string })?.to === phone,
  )
  expect(wa.headers.authorization).toBe('Bearer demo-wa-token')
  expect(wa.json).toMatchObject({
    messaging_product: 'whatsapp',
    type: 'text',
    text: { body: sent[0]?.text },
  })
  const sms = await providers.stand.waitFor(
    (c) => c.path === '/gateway' && (c.json as { to?: string })?.to === phone,
  )
  expect(sms.json).toMatchObject({ type: 'message', channel: 'sms', to: phone, text: sent[1]?.text })
  const ts = sms.headers['x-frontline-timestamp'] as string
  const mac = createHmac('sha256', providers.smsSecret).update(`${ts}.${sms.body.toString('utf8')}`)
  expect(sms.headers['x-frontline-signature']).toBe(`sha256=${mac.digest('hex')}`)
  const mail = await providers.relay.next()
  expect(mail.envelope.to).toEqual([email])
  expect(mail.parsed.text).toContain(sent[2]?.text)
  // Writing first again to the same client on the same channel opens the same chat, not a second one.
  const again = await writeFirst(op.page, phone, /^WhatsApp · WhatsApp \+7/, 'Ещё одно сообщение')
  expect(again).toBe(chatIds[0])
  await op.context.close()
  await providers.close()
})

test("T6 UTM of the widget's landing page shown in the request info, as text and a safe link", async ({
  browser,
  server,
}) => {
  const site = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const visitor = await site.newPage()
  const campaign = `spring-${Date.now()}`
  await visitor.goto(`/site/?utm_source=e2e-newsletter&utm_medium=email&utm_campaign=${campaign}`)
  await visitor.getByRole('button', { name: 'Chat with us' }).click()
  const name = `UTM guest ${campaign.slice(-6)}`
  await visitor.getByRole('textbox', { name: 'Your name (optional)' }).fill(name)
  await visitor.getByRole('textbox', { name: 'Message' }).fill('Where is my order?')
  await visitor.getByRole('button', { name: 'Send', exact: true }).click()

  const op = await operatorPhone(browser, server, 'supervisor@demo', { locale: 'en-US' })
  await tabs(op.page).getByRole('link', { name: 'Requests' }).click()
  await op.page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) }).click()
  await op.page.getByRole('button', { name: 'More actions' }).click()
  await op.page.getByRole('menuitem', { name: 'Request info' }).click()
  const info = op.page.getByRole('dialog', { name: 'Where the client came from' })
  await expect(info.getByText('Website chat')).toBeVisible()
  await expect(info.getByText('e2e-newsletter', { exact: true })).toBeVisible()
  await expect(info.getByText(campaign, { exact: true })).toBeVisible()
  const landing = info.getByRole('link', { name: /utm_campaign=/ })
  await expect(landing).toHaveAttribute(
    'href',
    /^http:\/\/127\.0\.0\.1:\d+\/site\/\?utm_source=e2e-newsletter/,
  )
  await expect(landing).toHaveAttribute('rel', /noopener/)
  await Promise.all([site.close(), op.context.close()])
})

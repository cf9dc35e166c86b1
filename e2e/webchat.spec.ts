/**
 * Website chat (issue 7 §2, SPEC T1/T4): the widget on the demo site, as a visitor in a browser context
 * of his own. The operator's side of these flows is in the inbox specs.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

/** The widget's panel lives in an open Shadow DOM: Playwright's role locators pierce it. */
async function openWidget(page: Page) {
  const launcher = page.getByRole('button', { name: /chat with us|напишите нам/i })
  await expect(launcher).toBeVisible()
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click()
  await expect(page.getByRole('dialog', { name: /^chat$|^чат$/i })).toBeVisible()
}

test('T1 a visitor writes in the widget on the demo site, reloads, and still sees his conversation as text', async ({
  browser,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/?utm_source=e2e')
  await openWidget(page)
  await page.getByRole('textbox', { name: /your name/i }).fill('<i>Ann</i>')
  const message = page.getByRole('textbox', { name: /^message$/i })
  const hostile = '<img src=x onerror="window.__pwned=1"><b>bold?</b>'
  await message.fill('Hello, do you deliver on Sundays?')
  await message.press('Enter')
  await message.fill(hostile)
  await page.getByRole('button', { name: /^send$/i }).click()
  const log = page.getByRole('list', { name: /^chat$/i })
  await expect(log.getByText('Hello, do you deliver on Sundays?')).toBeVisible()
  // Stored by the server: the row says "sent" (not "sending").
  await expect(log.getByText(hostile, { exact: false })).toContainText('sent')
  await expect(log.getByText(/sending/)).toHaveCount(0)

  await page.reload()
  await openWidget(page)
  await expect(log.getByText('Hello, do you deliver on Sundays?')).toBeVisible()
  await expect(log.getByText(hostile, { exact: false })).toBeVisible()
  // Inert: shown as text, no element made from it, nothing ran.
  const inShadow = await page.evaluate(() => {
    const root = document.getElementById('frontline-widget')?.shadowRoot
    return { imgs: root?.querySelectorAll('li img').length, bold: root?.querySelectorAll('li b').length }
  })
  expect(inShadow).toEqual({ imgs: 0, bold: 0 })
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  await visitor.close()
})

test('T4 an operator reply sent through the API reaches the widget live, is marked delivered, and the end of the chat shows', async ({
  browser,
  request,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/')
  await openWidget(page)
  const question = `Is the oak desk in stock? ${Date.now()}`
  const message = page.getByRole('textbox', { name: /^message$/i })
  await message.fill(question)
  await message.press('Enter')
  const log = page.getByRole('list', { name: /^chat$/i })
  await expect(log.getByText(question)).toContainText('sent')

  // The operator's side through the API (the app's screens are the inbox specs').
  const login = await request.post('/api/auth/login', {
    data: { login: 'op1@demo', password: server.password },
  })
  const headers = { authorization: `Bearer ${(await login.json()).token}` }
  expect((await request.put('/api/me/status', { headers, data: { status: 'available' } })).ok()).toBe(true)
  let chatId = ''
  await expect
    .poll(async () => {
      const list = await (await request.get('/api/chats?tab=new', { headers })).json()
      chatId =
        (list.chats as { id: string; lastMessage: { preview: string } | null }[]).find(
          (c) => c.lastMessage?.preview === question,
        )?.id ?? ''
      return chatId
    })
    .not.toBe('')
  expect((await request.post(`/api/chats/${chatId}/accept`, { headers })).ok()).toBe(true)
  const reply = '<script>window.__pwned=1</script> Yes, 3 left.'
  const sent = await request.post(`/api/chats/${chatId}/messages`, {
    headers,
    data: { clientMsgId: crypto.randomUUID(), text: reply },
  })
  expect(sent.ok()).toBe(true)
  // Live, without a reload: the text as text, the operator by name.
  await expect(log.getByText(reply)).toBeVisible()
  await expect(page.getByRole('dialog').getByText(/is answering/)).toBeVisible()
  const replyId = (await sent.json()).message.id as string
  await expect
    .poll(async () => {
      const ms = await (await request.get(`/api/chats/${chatId}/messages`, { headers })).json()
      return (ms.messages as { id: string; delivery: string }[]).find((m) => m.id === replyId)?.delivery
    })
    .toMatch(/delivered|read/)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()

  expect((await request.post(`/api/chats/${chatId}/complete`, { headers })).ok()).toBe(true)
  await expect(log.getByText(/conversation has ended/i)).toBeVisible()
  await visitor.close()
})

/** A 1×1 PNG. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

test('T4 the widget: a refused type and a 30 MB + 1 byte file get a clear error before any upload; an image shows as a preview; a voice message from the fake microphone is sent and shows its duration', async ({
  browser,
  server,
}) => {
  // Handing a 30 MB file to the page takes a while on this machine.
  test.slow()
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  const uploads: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/api/visitor/files')) uploads.push(r.url())
  })
  await page.goto('/site/')
  await openWidget(page)
  const input = page.locator('#frontline-widget input[type=file]')
  const alert = page.getByRole('dialog').getByRole('alert')
  await input.setInputFiles({
    name: 'setup.exe',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('MZ'),
  })
  await expect(alert).toHaveText(/setup\.exe: This file type is not accepted/)
  await input.setInputFiles({
    name: 'huge.png',
    mimeType: 'image/png',
    buffer: Buffer.alloc(30 * 1024 * 1024 + 1),
  })
  await expect(alert).toHaveText(/huge\.png: The file is larger than 30 MB/)
  expect(uploads).toEqual([])

  await input.setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL })
  const log = page.getByRole('list', { name: /^chat$/i })
  await expect(log.getByRole('img', { name: 'pixel.png' })).toHaveAttribute('src', /^blob:/)
  expect(uploads).toHaveLength(1)

  await page.getByRole('button', { name: 'Record a voice message' }).click()
  const stop = page.getByRole('button', { name: 'Stop recording' })
  await expect(stop).toBeVisible()
  // Let the fake microphone fill a little over a second of audio.
  await page.waitForTimeout(1300)
  await stop.click()
  await expect(page.getByRole('dialog').getByLabel('Voice message', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Send the voice message' }).click()
  const row = log.locator('li', { has: page.locator('audio') }).last()
  await expect(row).toContainText(/0:0[1-9]/)
  await expect(row.locator('audio')).toHaveAttribute('src', /^blob:/)
  await expect(row).toContainText('sent')
  // After sending, the voice bar is gone entirely (a lone ✕ stayed: [hidden] lost to display:flex).
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeHidden()
  await expect(stop).toBeHidden()
  await visitor.close()
})

test('T1 the widget (issue 7 probe): the tenant name in the header, icons without an emoji font, the voice bar hidden until recording, a text over 10 000 characters refused with a message instead of cut', async ({
  browser,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/')
  await openWidget(page)
  const dialog = page.getByRole('dialog', { name: /^chat$/i })
  // The header shows the tenant's name from the session, not "Chat".
  await expect(dialog.locator('header b')).not.toHaveText('Chat')
  await expect(dialog.locator('header b')).not.toHaveText('')
  // No emoji glyphs (empty boxes without an emoji font): inline SVG icons.
  for (const name of ['Attach a file', 'Record a voice message']) {
    const b = page.getByRole('button', { name })
    await expect(b.locator('svg')).toHaveCount(1)
    expect(await b.textContent()).toBe('')
  }
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeHidden()
  const message = page.getByRole('textbox', { name: /^message$/i })
  const long = 'x'.repeat(10_001)
  await message.fill(long)
  await expect(message).toHaveValue(long)
  await message.press('Enter')
  await expect(page.getByRole('alert')).toHaveText(/longer than 10,000 characters/)
  await expect(message).toHaveValue(long)
  await visitor.close()
})

test('N3 the widget: messages written while the server cannot be reached survive a reload and arrive once each, in order', async ({
  browser,
  request,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/')
  await openWidget(page)
  const tag = Date.now()
  const message = page.getByRole('textbox', { name: /^message$/i })
  const log = page.getByRole('list', { name: /^chat$/i })
  await message.fill(`first ${tag}`)
  await message.press('Enter')
  await expect(log.getByText(`first ${tag}`)).toContainText('sent')

  // The messages route is unreachable: what he writes waits in the widget's outbox (IndexedDB).
  await page.route('**/api/visitor/messages', (r) => r.abort('internetdisconnected'))
  const texts = Array.from({ length: 5 }, (_, i) => `offline ${i + 1} ${tag}`)
  for (const t of texts) {
    await message.fill(t)
    await message.press('Enter')
  }
  await expect(log.getByText(/sending/)).toHaveCount(5)
  await page.reload()
  await openWidget(page)
  await expect(log.getByText(/sending/)).toHaveCount(5)
  await page.unroute('**/api/visitor/messages')
  await page.evaluate(() => dispatchEvent(new Event('online')))
  await expect(log.getByText(/sending/)).toHaveCount(0)
  for (const t of texts) await expect(log.getByText(t)).toContainText('sent')

  // The server has each once, in the order written.
  const login = await request.post('/api/auth/login', {
    data: { login: 'admin@demo', password: server.password },
  })
  const headers = { authorization: `Bearer ${(await login.json()).token}` }
  const list = await (await request.get('/api/chats?tab=new', { headers })).json()
  const chat = (list.chats as { id: string; lastMessage: { preview: string } | null }[]).find(
    (c) => c.lastMessage?.preview === texts[4],
  )
  expect(chat).toBeTruthy()
  const ms = await (await request.get(`/api/chats/${chat?.id}/messages`, { headers })).json()
  expect((ms.messages as { text: string }[]).map((m) => m.text)).toEqual([`first ${tag}`, ...texts])
  await visitor.close()
})

test('T4 the widget: his message brought back by the live socket before its POST is answered shows once', async ({
  browser,
  server,
}) => {
  const visitor = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await visitor.newPage()
  await page.goto('/site/')
  await openWidget(page)
  const tag = Date.now()
  const message = page.getByRole('textbox', { name: /^message$/i })
  const log = page.getByRole('list', { name: /^chat$/i })
  await message.fill(`first ${tag}`)
  await message.press('Enter')
  await expect(log.getByText(`first ${tag}`)).toContainText('sent')

  // The POST is stored by the server but its answer is held until the socket has brought the message.
  const second = `second ${tag}`
  let release: () => void = () => {}
  const held = new Promise<void>((r) => {
    release = r
  })
  await page.route('**/api/visitor/messages', async (route) => {
    const answer = await route.fetch()
    await held
    await route.fulfill({ response: answer })
  })
  await message.fill(second)
  await message.press('Enter')
  await expect(log.locator('li[data-n]', { hasText: second })).toBeVisible()
  await expect(log.getByText(second)).toHaveCount(1)
  release()
  await expect(log.getByText(second)).toContainText('sent')
  await expect(log.getByText(/sending/)).toHaveCount(0)
  await page.unroute('**/api/visitor/messages')
  await visitor.close()
})

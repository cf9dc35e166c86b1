/**
 * SPEC T2–T5, N3: the Requests tab and the conversation. The visitor is the real widget on the demo
 * site (`/site/`, a browser context of his own) wherever the test is about what he sees; the T3 setup
 * tests, which only need a chat waiting, write through the widget's visitor API.
 */
import { randomUUID } from 'node:crypto'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

/** A website visitor of the demo tenant, speaking the widget's API (for tests that only need a chat waiting). */
async function visitor(request: APIRequestContext, server: FrontlineServer) {
  const page = { url: `${server.baseURL}/site/`, referrer: null }
  const first = await request.post('/api/visitor/session', { data: { tenant: 'demo', page } })
  expect(first.ok(), await first.text()).toBe(true)
  const { token } = (await first.json()) as { token: string }
  const headers = { authorization: `Bearer ${token}` }
  return {
    async send(text: string, name?: string) {
      const res = await request.post('/api/visitor/messages', {
        headers,
        data: { clientMsgId: randomUUID(), text, ...(name ? { name } : {}) },
      })
      expect(res.ok(), await res.text()).toBe(true)
    },
  }
}

/** A signed-in API client (the admin's settings routes, an operator's id). */
async function apiAs(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post('/api/auth/login', { data: { login, password: server.password } })
  expect(res.ok(), await res.text()).toBe(true)
  const { token, me } = (await res.json()) as { token: string; me: { id: string } }
  return { id: me.id, headers: { authorization: `Bearer ${token}` } }
}

const openRequests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()
const chatLink = (page: Page, name: string) =>
  page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })

/** A visitor on the demo site with the widget's panel open (its own browser context). */
async function widgetVisitor(browser: Parameters<typeof operatorPhone>[0], server: FrontlineServer) {
  const site = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const page = await site.newPage()
  await page.goto('/site/')
  await page.getByRole('button', { name: 'Chat with us' }).click()
  const log = page.getByRole('list', { name: 'Chat' })
  return {
    site,
    page,
    log,
    async send(text: string, name?: string) {
      if (name) await page.getByRole('textbox', { name: 'Your name (optional)' }).fill(name)
      await page.getByRole('textbox', { name: 'Message' }).fill(text)
      await page.getByRole('button', { name: 'Send', exact: true }).click()
    },
    /**
     * The operator's messages as the widget shows them, in screen order: each row's own text, or
     * what its file shows (an image's alt, a player's or a download button's label).
     */
    operatorRows(): Promise<string[]> {
      return log.getByRole('listitem').evaluateAll((rows) =>
        rows
          .filter((li) => !li.classList.contains('me') && !li.classList.contains('sys'))
          .map((li) => {
            const own = [...li.childNodes]
              .filter((n) => n.nodeType === Node.TEXT_NODE)
              .map((n) => n.textContent)
              .join('')
            if (own) return own
            const media = li.querySelector('img, audio, video, button[aria-label]')
            return media?.getAttribute('alt') ?? media?.getAttribute('aria-label') ?? ''
          }),
      )
    },
  }
}

/** A visitor writes in the widget and `op` takes the chat; returns the widget and the operator's page in the conversation. */
async function takenChat(
  browser: Parameters<typeof operatorPhone>[0],
  server: FrontlineServer,
  login: string,
) {
  const op = await operatorPhone(browser, server, login)
  await chooseStatus(op.page, /Available/)
  const widget = await widgetVisitor(browser, server)
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await widget.send('Hello, I have a question', name)
  await openRequests(op.page)
  await chatLink(op.page, name).click()
  const accept = op.page.getByRole('button', { name: 'Accept chat' })
  const box = op.page.getByRole('textbox', { name: 'Message' })
  await expect(accept.or(box)).toBeVisible()
  if (await accept.isVisible()) await accept.click()
  await expect(box).toBeVisible()
  return { ...op, widget, name }
}

test('T2/T3 a visitor writes in the widget → New for two operators live → both accept at once → one wins, the other is told and his New clears → the reply reaches the widget and is read', async ({
  browser,
  server,
}) => {
  // Two operators' sign-ins and status changes before the race itself.
  test.setTimeout(90_000)
  const one = await operatorPhone(browser, server, 'op1@demo')
  const two = await operatorPhone(browser, server, 'op2@demo')
  // Operators start the day in Off work, which does not allow chats (S1).
  await chooseStatus(one.page, /Available/)
  await chooseStatus(two.page, /Available/)
  await openRequests(one.page)
  await openRequests(two.page)
  // The visitor writes in the real widget on the demo site (its own browser context).
  const site = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' })
  const widget = await site.newPage()
  await widget.goto('/site/')
  await widget.getByRole('button', { name: 'Chat with us' }).click()
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await widget.getByRole('textbox', { name: 'Your name (optional)' }).fill(name)
  await widget.getByRole('textbox', { name: 'Message' }).fill('Hello! <b>Is</b> anyone there?')
  await widget.getByRole('button', { name: 'Send' }).click()
  // Live: the chat appears in both operators' New without a reload, with the waiting time.
  for (const p of [one.page, two.page]) {
    await expect(chatLink(p, name)).toBeVisible()
    await expect(chatLink(p, name)).toContainText(/waiting/)
    await chatLink(p, name).click()
    await expect(p.getByText('Hello! <b>Is</b> anyone there?')).toBeVisible()
  }
  // Both press Accept at the same moment: exactly one wins (the database decides). The loser's
  // button may already be gone when his click lands (the winner's event got there first): that is
  // the live update this test is about, so a click that finds no button is not an error here.
  const press = (p: Page) =>
    p
      .getByRole('button', { name: 'Accept chat' })
      .click({ timeout: 5000 })
      .catch(() => undefined)
  await Promise.all([press(one.page), press(two.page)])
  // Each screen settles on one outcome: the composer (won) or "Taken by …" (lost).
  const outcome = async (p: Page) => {
    const box = p.getByRole('textbox', { name: 'Message' })
    const taken = p.getByText(/^Taken by /).first()
    await expect(box.or(taken)).toBeVisible()
    return (await box.isVisible()) ? 'won' : 'lost'
  }
  const results = [await outcome(one.page), await outcome(two.page)]
  expect(results.sort()).toEqual(['lost', 'won'])
  const winner = (await one.page.getByRole('textbox', { name: 'Message' }).isVisible()) ? one : two
  const loser = winner === one ? two : one
  await expect(loser.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0)
  await expect(loser.page.getByText(/^Taken by /).first()).toBeVisible()
  // His New clears.
  await loser.page.getByRole('link', { name: 'Back to requests' }).click()
  await expect(loser.page.getByRole('tab', { name: /^New/ })).toHaveAttribute('aria-selected', 'true')
  await expect(chatLink(loser.page, name)).toHaveCount(0)
  // The winner replies; the visitor gets it.
  await winner.page.getByRole('textbox', { name: 'Message' }).fill('Yes, how can I help?')
  await winner.page.getByRole('button', { name: 'Send' }).click()
  await expect(winner.page.getByRole('img', { name: /^(Sent|Delivered|Read)$/ }).last()).toBeVisible()
  await expect(widget.getByRole('list', { name: 'Chat' }).getByText('Yes, how can I help?')).toBeVisible()
  // The widget has it open on screen: delivered, then read.
  await expect(winner.page.getByRole('img', { name: /^(Delivered|Read)$/ }).last()).toBeVisible()
  // In work lists it for the winner, read (he had it open with every message on screen).
  await winner.page.getByRole('link', { name: 'Back to requests' }).click()
  await winner.page.getByRole('tab', { name: /^In work/ }).click()
  await expect(chatLink(winner.page, name)).toBeVisible()
  await expect(chatLink(winner.page, name)).not.toHaveAccessibleName(/unread/)
  await one.context.close()
  await two.context.close()
  await site.close()
})

test('T3 with the Accept button off (admin setting), opening a New chat takes it', async ({
  browser,
  server,
  request,
}) => {
  const admin = await apiAs(request, server, 'admin@demo')
  const op = await apiAs(request, server, 'op2@demo')
  const off = await request.patch(`/api/admin/employees/${op.id}`, {
    headers: admin.headers,
    data: { acceptButton: false },
  })
  expect(off.ok(), await off.text()).toBe(true)
  const phone = await operatorPhone(browser, server, 'op2@demo')
  await chooseStatus(phone.page, /Available/)
  const v = await visitor(request, server)
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await v.send('Please call me back', name)
  await openRequests(phone.page)
  await chatLink(phone.page, name).click()
  // No Accept button: the chat is his at once, with the composer.
  await expect(phone.page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  await expect(phone.page.getByRole('button', { name: 'Accept chat' })).toHaveCount(0)
  await phone.page.getByRole('link', { name: 'Back to requests' }).click()
  await phone.page.getByRole('tab', { name: /^In work/ }).click()
  await expect(chatLink(phone.page, name)).toBeVisible()
  await request.patch(`/api/admin/employees/${op.id}`, {
    headers: admin.headers,
    data: { acceptButton: true },
  })
  await phone.context.close()
})

test('T3 an operator in Off work cannot take a chat; in Break he may', async ({
  browser,
  server,
  request,
}) => {
  const op = await operatorPhone(browser, server, 'op3@demo')
  const v = await visitor(request, server)
  const name = `Guest ${randomUUID().slice(0, 6)}`
  await v.send('Hi there', name)
  await chooseStatus(op.page, /Off work/)
  await openRequests(op.page)
  // S1/S5: New is for statuses that allow chats — Off work is told why instead of being offered
  // a chat it cannot take (the server's accept refuses it too: server/http/chats.test.ts).
  await expect(op.page.getByText('Your status does not allow taking chats')).toBeVisible()
  await expect(chatLink(op.page, name)).toHaveCount(0)
  await chooseStatus(op.page, /Break/)
  await openRequests(op.page)
  // op3's Accept button is off in the demo (T3), so opening the chat takes it.
  await chatLink(op.page, name).click()
  await expect(op.page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  // The worker's server is shared with later specs: op3 goes back to taking calls.
  await chooseStatus(op.page, /Available/)
  await op.context.close()
})

test('T4 emoji, reply-to, several files as separate messages, a refused type and a 30 MB + 1 byte file with the error shown, a voice message from the fake microphone played in the widget with its duration', async ({
  browser,
  server,
}) => {
  // Two sign-ins' worth of steps, an emoji picker's first load, four files and a recording.
  test.setTimeout(90_000)
  const { page, context, widget } = await takenChat(browser, server, 'op4@demo')
  const box = page.getByRole('textbox', { name: 'Message' })
  // Emoji from the picker (a lazy web component with its data served by us).
  await box.fill('Thanks ')
  await page.getByRole('button', { name: 'Emoji' }).click()
  const picker = page.locator('emoji-picker')
  await picker.getByRole('combobox', { name: 'Search' }).fill('grinning')
  await picker
    .getByRole('option', { name: /grinning/i })
    .first()
    .click()
  await expect(box).toHaveValue(/^Thanks \p{Extended_Pictographic}/u)
  await page.getByRole('button', { name: 'Send' }).click()
  // Reply to the visitor's message; the quote shows in the message and scrolls to the original.
  await page
    .getByRole('listitem')
    .filter({ hasText: 'Hello, I have a question' })
    .getByRole('button', { name: 'Message actions' })
    .click()
  await page.getByRole('menuitem', { name: 'Reply' }).click()
  await expect(page.getByText('Replying to: Hello, I have a question')).toBeVisible()
  await box.fill('About your question')
  await page.getByRole('button', { name: 'Send' }).click()
  const quote = page.getByRole('button', { name: 'Go to the quoted message: Hello, I have a question' })
  await expect(quote).toBeVisible()
  // Several files at once: each goes as its own message; the refused ones are named.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  )
  await page.locator('input[type=file][multiple]').setInputFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: png },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes') },
    { name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
    { name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(30 * 1024 * 1024 + 1) },
  ])
  const alert = page.getByRole('alert').filter({ hasText: 'tool.exe' })
  await expect(alert).toContainText('“tool.exe” cannot be sent: this file type is not allowed.')
  await expect(alert).toContainText('“huge.pdf” cannot be sent: it is larger than 30 MB.')
  await expect(page.getByRole('img', { name: 'photo.png' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Download notes.txt' })).toBeVisible()
  // A voice message from the fake microphone: record, stop, listen, send.
  await page.getByRole('button', { name: 'Record a voice message' }).click()
  await expect(page.getByRole('timer')).toContainText(/Recording 0:0[1-9]/)
  await page.getByRole('button', { name: 'Stop recording' }).click()
  await expect(page.getByLabel(/^Voice message, 0:0[1-9]$/)).toBeVisible()
  await page.getByRole('button', { name: 'Send voice message' }).click()
  // Everything reached the widget, in order, each file as a message of its own.
  await expect
    .poll(() => widget.operatorRows())
    .toEqual([
      expect.stringMatching(/^Thanks \p{Extended_Pictographic}/u),
      'About your question',
      'photo.png',
      'Download: notes.txt',
      'Voice message',
    ])
  // The voice message: its player with the recorded duration beside it, and it plays.
  const voiceRow = widget.log.getByRole('listitem').filter({ has: widget.page.getByLabel('Voice message') })
  await expect(voiceRow.getByText(/^0:0[1-9]$/)).toBeVisible()
  const player = voiceRow.getByLabel('Voice message')
  await expect(player).toHaveAttribute('src', /^blob:/)
  await player.evaluate((a: HTMLAudioElement) => a.play())
  await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0)
  // Played to its end, the recording has a real length (MediaRecorder's WebM has none in its header).
  await player.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<void>((done) =>
        a.ended ? done() : a.addEventListener('ended', () => done(), { once: true }),
      ),
  )
  const length = await player.evaluate((a: HTMLAudioElement) => a.duration)
  expect(Number.isFinite(length) && length > 0, `duration ${length}`).toBe(true)
  await context.close()
  await widget.site.close()
})

test('T5 shared and personal templates: search, pick, edit, send; personal ones made, changed and deleted in the app', async ({
  browser,
  server,
  request,
}) => {
  test.setTimeout(60_000)
  // A shared template, made by the admin for every operator (admin API; its screen comes later).
  const admin = await apiAs(request, server, 'admin@demo')
  const shared = await request.post('/api/admin/templates', {
    headers: admin.headers,
    data: { name: 'Greeting', text: 'Good afternoon! How can I help?' },
  })
  expect(shared.ok(), await shared.text()).toBe(true)
  const { page, context, widget } = await takenChat(browser, server, 'op5@demo')
  await page.getByRole('button', { name: 'Templates' }).click()
  const sheet = page.getByRole('dialog', { name: 'Templates' })
  // Shared: picked, sent as it is; it cannot be changed here.
  await expect(sheet.getByRole('button', { name: 'Use template Greeting' })).toContainText('Shared')
  await expect(sheet.getByRole('button', { name: 'Edit template Greeting' })).toHaveCount(0)
  await sheet.getByRole('button', { name: 'Use template Greeting' }).click()
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Good afternoon! How can I help?')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(widget.log.getByText('Good afternoon! How can I help?')).toBeVisible()
  await page.getByRole('button', { name: 'Templates' }).click()
  // A personal template, made here.
  await sheet.getByRole('button', { name: 'New personal template' }).click()
  await sheet.getByLabel('Name').fill('Delivery')
  await sheet.getByLabel('Text').fill('Delivery takes 3 days.')
  await sheet.getByRole('button', { name: 'Save template' }).click()
  await expect(sheet.getByRole('button', { name: 'Use template Delivery' })).toBeVisible()
  await sheet.getByRole('button', { name: 'Edit template Delivery' }).click()
  await sheet.getByLabel('Text').fill('Delivery takes 2 days.')
  await sheet.getByRole('button', { name: 'Save template' }).click()
  await sheet.getByRole('searchbox', { name: 'Search templates' }).fill('deliv')
  await sheet.getByRole('button', { name: 'Use template Delivery' }).click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toHaveValue('Delivery takes 2 days.')
  await box.fill('Delivery takes 2 days. Tomorrow is fine.')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(widget.log.getByText('Delivery takes 2 days. Tomorrow is fine.')).toBeVisible()
  // Deleted in the app, gone from the list.
  await page.getByRole('button', { name: 'Templates' }).click()
  page.once('dialog', (d) => void d.accept())
  await sheet.getByRole('button', { name: 'Delete template Delivery' }).click()
  await expect(sheet.getByRole('button', { name: 'Use template Delivery' })).toHaveCount(0)
  await context.close()
  await widget.site.close()
})

test('N3 20 messages written offline in the app with a reload in the middle arrive at the widget once each, in order', async ({
  browser,
  server,
}) => {
  test.setTimeout(60_000)
  const { page, context, widget, name } = await takenChat(browser, server, 'op6@demo')
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null)
  const box = page.getByRole('textbox', { name: 'Message' })
  const texts = Array.from({ length: 20 }, (_, i) => `offline ${i + 1}`)
  await context.setOffline(true)
  for (const text of texts.slice(0, 10)) {
    await box.fill(text)
    await page.getByRole('button', { name: 'Send' }).click()
  }
  await expect(page.getByRole('img', { name: 'Waiting for the network' })).toHaveCount(10)
  // A reload in the middle (still offline): the app comes from the precache, the messages from Dexie.
  await page.reload()
  await expect(page.getByText('offline 10', { exact: true })).toBeVisible()
  // The Requests tab opens offline from the mirror and says so.
  await page.getByRole('link', { name: 'Back to requests' }).click()
  await page.getByRole('tab', { name: /^In work/ }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Offline — showing saved chats' })).toBeVisible()
  await chatLink(page, name).click()
  await expect(page.getByText('offline 10', { exact: true })).toBeVisible()
  for (const text of texts.slice(10)) {
    await box.fill(text)
    await page.getByRole('button', { name: 'Send' }).click()
  }
  await expect(page.getByText('offline 20', { exact: true })).toBeVisible()
  await context.setOffline(false)
  // The widget (online all along, panel open) shows them live: each once, in the order written.
  await expect
    .poll(async () => (await widget.operatorRows()).filter((t) => t.startsWith('offline ')), {
      timeout: 30_000,
    })
    .toEqual(texts)
  await expect(page.getByRole('img', { name: 'Waiting for the network' })).toHaveCount(0)
  await context.close()
  await widget.site.close()
})

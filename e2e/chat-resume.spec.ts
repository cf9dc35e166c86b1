/**
 * SPEC T9 on an external channel: a Telegram client (the local Bot API stand-in pushes his updates to
 * our webhook, server/channels/telegram/stand-in.ts) whose completed chat the operator resumes by
 * writing in it — and, when the client has meanwhile opened another chat, the conflict (!) mark and the
 * one-tap re-send into the active chat. Each test runs a server of its own, connected to its stand-in
 * at start (DEMO_TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE), as e2e/telegram.spec.ts does.
 */
import type { User } from '@grammyjs/types'
import type { Page } from '@playwright/test'
import { client, messageUpdate } from '../server/channels/telegram/samples.ts'
import { BotApiStandIn } from '../server/channels/telegram/stand-in.ts'
import { expect, ownServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

test.describe.configure({ timeout: 120_000 })

/** A server of the test's own whose demo bot talks to a fresh Bot API stand-in. */
async function telegramServer() {
  const api = await new BotApiStandIn().start()
  const own = await ownServer({ TELEGRAM_API_BASE: api.base, DEMO_TELEGRAM_BOT_TOKEN: api.token })
  const { server } = own
  await expect.poll(() => api.webhook?.url).toMatch(new RegExp(`^${server.baseURL}/api/hooks/telegram_bot/`))
  return {
    api,
    server,
    /** The client writes `text` in his chat with the bot. */
    async writes(from: User, text: string) {
      expect((await api.push(messageUpdate(from, { text }))).status).toBe(200)
    },
    /** The texts the Bot API was asked to send to this client, in order. */
    sentTo: (from: User) =>
      api
        .calls('sendMessage')
        .filter((c) => String(c.params.chat_id) === String(from.id))
        .map((c) => c.params.text),
    async dispose() {
      await own.dispose()
      await api.stop()
    },
  }
}

/** A Telegram client with a name of his own (a worker's tests share nothing, but names stay apart). */
function newClient() {
  const from = client(5_200_000_000 + Math.floor(Math.random() * 1e6), 'Олег', `T9${Date.now() % 100000}`)
  return { from, name: `${from.first_name} ${from.last_name}` }
}

const requests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()
const tab = (page: Page, name: RegExp) => page.getByRole('tab', { name })
const chatLink = (page: Page, name: string) =>
  page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })
const box = (page: Page) => page.getByRole('textbox', { name: 'Message' })
const messages = (page: Page) => page.getByRole('list', { name: 'Messages', exact: true })

async function sendText(page: Page, text: string) {
  await box(page).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** Takes the client's New chat and writes `reply` in it. */
async function takeAndReply(page: Page, name: string, reply: string) {
  await requests(page)
  await tab(page, /^New/).click()
  await chatLink(page, name).click()
  await page.getByRole('button', { name: 'Accept chat' }).click()
  await sendText(page, reply)
  await expect(messages(page).getByText(reply)).toBeVisible()
}

/** Completes the open chat by hand: ⋮ → Complete chat → confirmed in the app's dialog. */
async function completeOpen(page: Page) {
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Complete chat' }).click()
  await page
    .getByRole('alertdialog', { name: 'Complete the chat?' })
    .getByRole('button', { name: 'Complete chat' })
    .click()
  await expect(page.getByText('This chat is completed. Writing resumes it.')).toBeVisible()
}

/** The open chat is the operator's own and active: ⋮ offers Complete chat (then the menu is closed again). */
async function expectMine(page: Page) {
  await page.getByRole('button', { name: 'More actions' }).click()
  await expect(page.getByRole('menuitem', { name: 'Complete chat' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('menuitem', { name: 'Complete chat' })).toHaveCount(0)
}

/** Finds the client's chat in Completed through the search and opens it. */
async function openCompleted(page: Page, name: string) {
  await requests(page)
  await tab(page, /^Completed/).click()
  await page.getByRole('searchbox', { name: /^Search completed chats/ }).fill(name)
  await chatLink(page, name).click()
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible()
}

test('T9 resume a completed chat: found in Completed by the client’s name, the operator writes; it moves to his In work and the Telegram client gets the message', async ({
  browser,
}) => {
  const tg = await telegramServer()
  try {
    const op = await operatorPhone(browser, tg.server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    const { from, name } = newClient()
    await tg.writes(from, 'Здравствуйте, вопрос по заказу')
    await takeAndReply(op.page, name, 'Добрый день! Слушаю вас.')
    await expect.poll(() => tg.sentTo(from)).toEqual(['Добрый день! Слушаю вас.'])
    await completeOpen(op.page)

    await openCompleted(op.page, name)
    await sendText(op.page, 'Забыл уточнить: заказ уже в пути.')
    // Resumed: his again, the composer of an active chat (Complete is back), and in his In work.
    await expectMine(op.page)
    await expect(messages(op.page).getByText('Забыл уточнить: заказ уже в пути.')).toBeVisible()
    await expect
      .poll(() => tg.sentTo(from))
      .toEqual(['Добрый день! Слушаю вас.', 'Забыл уточнить: заказ уже в пути.'])
    await op.page.getByRole('link', { name: 'Back to requests' }).click()
    await tab(op.page, /^In work/).click()
    await expect(chatLink(op.page, name)).toBeVisible()
    await tab(op.page, /^Completed/).click()
    await op.page.getByRole('searchbox', { name: /^Search completed chats/ }).fill(name)
    await expect(chatLink(op.page, name)).toHaveCount(0)
    await op.context.close()
  } finally {
    await tg.dispose()
  }
})

test('T9 conflict (!) mark and re-send into the active chat: the client wrote again, the old chat refuses; one tap sends it to the new one, in order', async ({
  browser,
}) => {
  const tg = await telegramServer()
  try {
    const op = await operatorPhone(browser, tg.server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    const { from, name } = newClient()
    await tg.writes(from, 'Первый вопрос')
    await takeAndReply(op.page, name, 'Ответ на первый вопрос')
    await completeOpen(op.page)
    // The client writes again: a new chat in New.
    await tg.writes(from, 'Ещё вопрос')
    await op.page.getByRole('link', { name: 'Back to requests' }).click()
    await tab(op.page, /^New/).click()
    await expect(chatLink(op.page, name)).toBeVisible()

    // The operator writes twice in the old, completed chat: both refused, with the (!) mark and the reason.
    await openCompleted(op.page, name)
    const first = 'Уточнение к первому вопросу'
    const second = 'И ещё одно уточнение'
    await sendText(op.page, first)
    await sendText(op.page, second)
    const bubble = (text: string) => messages(op.page).getByRole('listitem').filter({ hasText: text })
    const notice = op.page
      .getByRole('alert')
      .filter({ hasText: 'Not sent (2): the client has another active chat.' })
    await expect(notice).toBeVisible()
    // Nothing is lost: after a reload the refused messages are still there, marked.
    await op.page.reload()
    for (const text of [first, second]) {
      await expect(
        bubble(text).getByRole('img', { name: /^Not sent: The client already has another active chat/ }),
      ).toHaveText('!')
      await expect(bubble(text).getByRole('alert')).toHaveText(
        'The client already has another active chat on this channel. Send it there.',
      )
    }
    await expect(notice).toBeVisible()
    expect(tg.sentTo(from)).toEqual(['Ответ на первый вопрос'])

    // One tap: he takes the active chat and both go there, after the client's message, in order.
    await notice.getByRole('button', { name: 'Send to the active chat' }).click()
    await expect(op.page.getByText('Sent to the active chat: 2')).toBeVisible()
    await expectMine(op.page)
    const log = messages(op.page)
    await expect(log.getByText('Ещё вопрос')).toBeVisible()
    for (const text of [first, second])
      await expect(bubble(text).getByRole('img', { name: /^(Sent|Delivered|Read)$/ })).toBeVisible()
    await expect(log.getByRole('listitem').filter({ hasText: /вопрос|уточнение/i })).toHaveText([
      /Ещё вопрос/,
      new RegExp(first),
      new RegExp(second),
    ])
    await expect.poll(() => tg.sentTo(from)).toEqual(['Ответ на первый вопрос', first, second])
    // The new chat is his (In work); the old one keeps no unsent message.
    await op.page.getByRole('link', { name: 'Back to requests' }).click()
    await tab(op.page, /^In work/).click()
    await expect(chatLink(op.page, name)).toHaveCount(1)
    await openCompleted(op.page, name)
    await expect(messages(op.page).getByText('Ответ на первый вопрос')).toBeVisible()
    await expect(messages(op.page).getByText(first)).toHaveCount(0)
    await expect(op.page.getByRole('alert')).toHaveCount(0)
    await op.context.close()
  } finally {
    await tg.dispose()
  }
})

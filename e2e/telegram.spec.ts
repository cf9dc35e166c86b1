/**
 * SPEC T1, issue 8 §2: a Telegram client writes to the tenant's bot and gets the operator's answers.
 * Telegram is the local Bot API stand-in (server/channels/telegram/stand-in.ts): the server connects
 * the demo bot to it at start (DEMO_TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE), learning our webhook URL and
 * secret from setWebhook exactly as Telegram would; the stand-in then pushes the client's updates there.
 */
import type { Page } from '@playwright/test'
import sharp from 'sharp'
import { client, messageUpdate, silentOggOpus } from '../server/channels/telegram/samples.ts'
import { BotApiStandIn } from '../server/channels/telegram/stand-in.ts'
import { expect, ownServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

const openRequests = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Requests' }).click()

test('T1 Telegram in/out with a photo and a voice message: the client’s text, photo and voice reach New (photo shown, voice playable); the operator accepts and answers with text and a photo, which the Bot API receives for the client’s chat', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const api = await new BotApiStandIn().start()
  const own = await ownServer({ TELEGRAM_API_BASE: api.base, DEMO_TELEGRAM_BOT_TOKEN: api.token })
  try {
    const { server } = own
    // The server set its webhook on the Bot API with a secret token, as Telegram requires.
    await expect
      .poll(() => api.webhook?.url)
      .toMatch(new RegExp(`^${server.baseURL}/api/hooks/telegram_bot/`))
    expect(api.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{32}$/)

    const op = await operatorPhone(browser, server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    await openRequests(op.page)

    // The client writes: a text, a photo with a caption, a voice note.
    const from = client(5_100_000_000 + Math.floor(Math.random() * 1e6), 'Мария', `Tg${Date.now() % 10000}`)
    const name = `${from.first_name} ${from.last_name}`
    const small = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#c00' } })
      .jpeg()
      .toBuffer()
    const large = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#06c' } })
      .jpeg()
      .toBuffer()
    const s = api.addFile(small, 'jpg')
    const l = api.addFile(large, 'jpg')
    const voice = api.addFile(silentOggOpus(2000), 'oga')
    const text = messageUpdate(from, { text: 'Здравствуйте! <b>Вот</b> фото и голосовое' })
    for (const u of [
      text,
      messageUpdate(from, {
        caption: 'Фото счётчика',
        photo: [
          { ...s, width: 16, height: 16 },
          { ...l, width: 320, height: 240 },
        ],
      }),
      messageUpdate(from, { voice: { ...voice, duration: 2, mime_type: 'audio/ogg' } }),
    ])
      expect((await api.push(u)).status).toBe(200)

    // New shows the chat live; opening it shows the text as text, the photo and a playable voice.
    const link = op.page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })
    await expect(link).toBeVisible()
    await link.click()
    await expect(op.page.getByText('Здравствуйте! <b>Вот</b> фото и голосовое')).toBeVisible()
    await expect(op.page.getByText('Фото счётчика')).toBeVisible()
    const photo = op.page.getByRole('img', { name: 'photo.jpg' })
    await expect(photo).toBeVisible()
    // The largest size was fetched: the image decodes at 320 × 240.
    await expect.poll(() => photo.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(320)
    const player = op.page.getByLabel('Voice message, 0:02')
    await expect(player).toHaveAttribute('src', /^blob:/)
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1)
    await player.evaluate((a: HTMLAudioElement) => a.play())
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0)

    // Accept, answer with text, then a photo.
    const accept = op.page.getByRole('button', { name: 'Accept chat' })
    const box = op.page.getByRole('textbox', { name: 'Message' })
    await expect(accept.or(box)).toBeVisible()
    if (await accept.isVisible()) await accept.click()
    await box.fill('Добрый день! Сейчас посмотрим.')
    await op.page.getByRole('button', { name: 'Send' }).click()
    const reply = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer()
    await op.page
      .locator('input[type=file][multiple]')
      .setInputFiles([{ name: 'схема.png', mimeType: 'image/png', buffer: reply }])
    await expect(op.page.getByRole('img', { name: 'схема.png' })).toBeVisible()

    // The Bot API received both, for the client's chat.
    await expect
      .poll(() => api.calls('sendMessage').map((c) => [c.params.chat_id, c.params.text]))
      .toContainEqual([from.id, 'Добрый день! Сейчас посмотрим.'])
    await expect.poll(() => api.calls('sendPhoto').length).toBe(1)
    const sent = api.calls('sendPhoto')[0]
    expect(sent?.params.chat_id).toBe(String(from.id))
    expect(sent?.file?.name).toBe('схема.png')
    expect(sent?.file?.bytes.equals(reply)).toBe(true)
  } finally {
    await own.dispose()
    await api.stop()
  }
})

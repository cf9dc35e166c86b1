/** The Bot API stand-in enforces the documented limits, so the adapter's tests mean something. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bot, BotApiError, callBot, fileUrl } from './botapi.ts'
import { BotApiStandIn } from './stand-in.ts'

describe('Bot API stand-in', () => {
  let api: BotApiStandIn
  let bot: Bot
  beforeAll(async () => {
    api = await new BotApiStandIn().start()
    bot = { base: api.base, token: api.token }
  })
  afterAll(() => api.stop())

  const refused = async (p: Promise<unknown>) => {
    try {
      await p
    } catch (e) {
      return e instanceof BotApiError ? [e.status, e.description] : e
    }
    return 'accepted'
  }

  it('text ≤ 4096 and caption ≤ 1024 characters; photos ≤ 10 MB, other uploads ≤ 50 MB', async () => {
    expect(
      (await callBot(bot, 'sendMessage', { chat_id: 1, text: 'x'.repeat(4096) })).message_id,
    ).toBeGreaterThan(0)
    expect(await refused(callBot(bot, 'sendMessage', { chat_id: 1, text: 'x'.repeat(4097) }))).toEqual([
      400,
      'Bad Request: message is too long',
    ])
    const small = new File([Buffer.from([0xff, 0xd8, 0xff])], 'a.jpg', { type: 'image/jpeg' })
    expect(
      await refused(callBot(bot, 'sendPhoto', { chat_id: 1, photo: small, caption: 'c'.repeat(1025) })),
    ).toEqual([400, 'Bad Request: message caption is too long'])
    const big = new File([Buffer.alloc(10 * 1024 * 1024 + 1)], 'a.jpg', { type: 'image/jpeg' })
    expect(((await refused(callBot(bot, 'sendPhoto', { chat_id: 1, photo: big }))) as unknown[])[0]).toBe(400)
    expect((await callBot(bot, 'sendDocument', { chat_id: 1, document: big })).document?.file_name).toBe(
      'a.jpg',
    )
  })

  it('a wrong token is 401; getFile refuses files over 20 MB and serves the rest at the file URL', async () => {
    expect(await refused(callBot({ ...bot, token: '1:wrong-token-000000' }, 'getMe', {}))).toEqual([
      401,
      'Unauthorized',
    ])
    const big = api.addFile(Buffer.from('x'), 'bin', 20 * 1024 * 1024 + 1)
    expect(((await refused(callBot(bot, 'getFile', { file_id: big.file_id }))) as unknown[])[0]).toBe(400)
    const ok = api.addFile(Buffer.from('hello'), 'txt')
    const f = await callBot(bot, 'getFile', { file_id: ok.file_id })
    const res = await fetch(fileUrl(bot, f.file_path ?? ''))
    expect(await res.text()).toBe('hello')
  })
})

/**
 * Issue 13 §2 "Audit log: every admin change as actor, action, entity, before and after": a channel
 * connected and its secret rotated are in the admin's Audit page, readable in both languages and
 * offered by the entity filter, the secret only as its masked hint.
 */
import { expect, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'

test('A5 the audit log shows a channel connected and its secret rotated, the secret only as its hint', async ({
  browser,
  request,
  server,
}) => {
  const login = await request.post(`${server.baseURL}/api/auth/login`, {
    data: { login: 'admin@demo', password: server.password },
  })
  const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` }
  const name = `SMS audit ${Date.now()}`
  const made = await request.post(`${server.baseURL}/api/admin/channels`, {
    headers,
    data: {
      kind: 'sms',
      name,
      address: `+7495${String(Date.now()).slice(-7)}`,
      config: { url: 'http://127.0.0.1:9/sms' },
    },
  })
  expect(made.status()).toBe(201)
  const { channel, secret } = (await made.json()) as { channel: { id: string }; secret: string }
  const rotated = await request.post(`${server.baseURL}/api/admin/channels/${channel.id}/secret`, { headers })
  expect(rotated.ok()).toBe(true)
  const newSecret = ((await rotated.json()) as { secret: string }).secret

  const en = {
    filter: 'Channels',
    rotate: 'Made a new channel secret',
    connect: 'Connected a channel',
    hint: 'Secret',
  }
  const ru = {
    filter: 'Каналы',
    rotate: 'Выпустил(а) новый секрет канала',
    connect: 'Подключил(а) канал',
    hint: 'Секрет',
  }
  const admin = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  try {
    for (const texts of [en, ru]) {
      if (texts === ru) await admin.page.evaluate(() => localStorage.setItem('frontline.lang', 'ru'))
      await admin.page.goto('/admin/audit')
      await admin.page.getByRole('combobox').first().selectOption({ label: texts.filter })
      const list = admin.page.getByTestId('audit-list')
      const rotation = list.getByRole('listitem').filter({ hasText: texts.rotate }).filter({ hasText: name })
      await expect(rotation).toHaveCount(1)
      await expect(rotation).toContainText(new RegExp(`${texts.hint}: ••••\\S* → ••••`))
      await expect(
        list.getByRole('listitem').filter({ hasText: texts.connect }).filter({ hasText: name }),
      ).toHaveCount(1)
      // No secret and no JSON anywhere on the page.
      await expect(list).not.toContainText(secret)
      await expect(list).not.toContainText(newSecret)
      await expect(list).not.toContainText(/"|\{/)
    }
  } finally {
    await admin.context.close()
  }
})

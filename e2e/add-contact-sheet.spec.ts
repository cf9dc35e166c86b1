/**
 * Probe 11 finding 15 (K3): "Add to contacts" from a chat is a sheet in the app's style over the
 * conversation — titled, closable, radio rows a finger can hit, the name the channel gave filled in.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, ownServer, test } from './fixtures.ts'
import { chooseStatus } from './helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

test('K3 add to contacts from a chat is a sheet with a close button, tall rows and the name filled in', async ({
  browser,
  request,
}) => {
  test.setTimeout(150_000)
  const own = await ownServer({ FRONTLINE_TEST_HOOKS: '1' })
  const { server } = own
  try {
    const { internalSecret } = JSON.parse(
      await readFile(path.join(server.dataDir, 'secrets.json'), 'utf8'),
    ) as {
      internalSecret: string
    }
    for (const lang of ['en', 'ru'] as const) {
      const inbound = await request.post(`${server.baseURL}/internal/test/inbound`, {
        headers: { 'x-internal-secret': internalSecret },
        data: {
          tenant: 'demo',
          kind: 'telegram',
          clientAddress: String(Date.now()),
          clientName: `Ирина Листова ${lang}`,
          providerMsgId: randomUUID(),
          text: 'Здравствуйте! Сколько стоит доставка?',
        },
      })
      expect(inbound.ok(), await inbound.text()).toBe(true)
      const { chatId } = (await inbound.json()) as { chatId: string }
      const l =
        lang === 'en'
          ? {
              more: 'More actions',
              add: 'Add to contacts',
              name: 'Client name',
              close: 'Close',
              create: 'Create client',
            }
          : {
              more: 'Другие действия',
              add: 'Добавить в контакты',
              name: 'Имя клиента',
              close: 'Закрыть',
              create: 'Создать клиента',
            }
      const op = await phone360(browser, server, 'op1@demo', lang)
      await chooseStatus(op.page, /(Available|Доступен)/)
      await op.page.goto(`/requests/${chatId}`)
      await expect(op.page.getByRole('heading', { name: `Ирина Листова ${lang}` })).toBeVisible({
        timeout: 15_000,
      })
      const open = async () => {
        await op.page.getByRole('button', { name: l.more }).click()
        await op.page.getByRole('menuitem', { name: l.add }).click()
        return op.page.getByRole('dialog', { name: l.add })
      }
      let sheet = await open()
      await expect(sheet).toBeVisible()
      await expect(sheet.getByRole('textbox', { name: l.name })).toHaveValue(`Ирина Листова ${lang}`)
      for (const radio of await sheet.locator('fieldset > label').all())
        expect((await radio.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44)
      await op.page.screenshot({ path: `${SHOTS}/15-add-contact-${lang}.png` })
      await sheet.getByRole('button', { name: l.close }).click()
      await expect(sheet).toBeHidden()
      sheet = await open()
      await op.page.keyboard.press('Escape')
      await expect(sheet).toBeHidden()
      sheet = await open()
      await sheet.getByRole('button', { name: l.create }).click()
      await expect(sheet.getByTestId('added-client')).toHaveText(`Ирина Листова ${lang}`)
      await op.context.close()
    }
  } finally {
    await own.dispose()
  }
})

/**
 * Issue 12 §5, SPEC K2: the client card shows his calls and chats in one timeline, with links; K3: add
 * a client contact from a call and from a chat. The calls come through the demo phone network (real
 * PBX); the chats through the test door (a message as the channel's adapter stores it), so these run on
 * servers of their own with the doors open.
 */

import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, ownServer, test } from './fixtures.ts'
import {
  accept,
  closeAll,
  digits,
  everyoneOff,
  gateway,
  hangUp,
  history,
  num,
  openPhone,
  SALES_VN,
  tokenOf,
} from './phone-helpers.ts'

test.describe.configure({ timeout: 180_000 })

test('K2 the card shows calls and chats in one timeline', async ({ browser, request }) => {
  const own = await ownServer({ FRONTLINE_TEST_HOOKS: '1' }, { pbx: true })
  const { server } = own
  let op1: Awaited<ReturnType<typeof openPhone>> | null = null
  try {
    const client = { name: 'Елена Соколова', phone: '+79174073519' }
    await everyoneOff(request, server)
    op1 = await openPhone(browser, server, 'op1@demo')
    const customer = await gateway(browser, request, server)
    await customer.call(SALES_VN, client.phone)
    await accept(op1.page)
    await hangUp(op1.page)

    const { internalSecret } = JSON.parse(
      await readFile(path.join(server.dataDir, 'secrets.json'), 'utf8'),
    ) as { internalSecret: string }
    const inbound = await request.post(`${server.baseURL}/internal/test/inbound`, {
      headers: { 'x-internal-secret': internalSecret },
      data: {
        tenant: 'demo',
        kind: 'whatsapp',
        clientAddress: client.phone,
        clientPhone: client.phone,
        clientName: client.name,
        providerMsgId: randomUUID(),
        text: 'Добрый день, по вчерашнему звонку',
      },
    })
    expect(inbound.ok(), await inbound.text()).toBe(true)
    const { chatId } = (await inbound.json()) as { chatId: string }

    const token = await tokenOf(request, server, 'op1@demo')
    const found = await request.get(
      `${server.baseURL}/api/contacts/clients?q=${encodeURIComponent('Соколова')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    )
    const [card] = (await found.json()) as { id: string }[]
    const page = op1.page
    await page.goto(`/contacts/clients/${card!.id}`)
    const timeline = page.getByTestId('client-timeline')
    const items = timeline.getByRole('listitem')
    // Newest first: the chat, then the call.
    await expect(items).toHaveCount(2)
    await expect(items.nth(0)).toHaveAttribute('data-kind', 'chat')
    await expect(items.nth(0)).toContainText('Chat · WhatsApp')
    await expect(items.nth(1)).toHaveAttribute('data-kind', 'call')
    await expect(items.nth(1)).toContainText('Incoming call')

    await items.nth(0).getByRole('link').click()
    await expect(page).toHaveURL(new RegExp(`/requests/${chatId}$`))
    await page.goBack()
    await items.nth(1).getByRole('link').click()
    await expect(page).toHaveURL(/\/calls\/[0-9a-f-]{36}$/)
    await expect(page.getByText('Duration')).toBeVisible()
  } finally {
    await closeAll(op1)
    await own.dispose()
  }
})

test('K3 add a number to an existing client from a call and a new client from a chat', async ({
  browser,
  request,
}) => {
  const own = await ownServer({ FRONTLINE_TEST_HOOKS: '1' }, { pbx: true })
  const { server } = own
  let op1: Awaited<ReturnType<typeof openPhone>> | null = null
  try {
    const unknown = '+79160005544'
    await everyoneOff(request, server)
    op1 = await openPhone(browser, server, 'op1@demo')
    const customer = await gateway(browser, request, server)
    await customer.call(SALES_VN, unknown)
    await accept(op1.page)
    await hangUp(op1.page)
    const [call] = await history(request, server, 'op1@demo', digits(unknown).slice(-7))
    const page = op1.page

    // From the call's details: the number goes to Елена Соколова's card.
    await page.goto(`/calls/${String(call?.id)}`)
    await page.getByRole('button', { name: 'Add to contacts' }).click()
    await page.getByRole('radio', { name: 'Add to an existing client' }).check()
    await page.getByRole('searchbox', { name: 'Find a client' }).fill('Соколова')
    await page.getByRole('button', { name: 'Add to Елена Соколова' }).click()
    await page.getByTestId('added-client').click()
    await expect(page.getByRole('heading', { name: 'Елена Соколова' })).toBeVisible()
    await expect(page.locator('.facts')).toContainText(num(unknown))
    await expect(page.getByTestId('client-timeline').getByRole('listitem')).toHaveCount(1)

    // From a chat of someone unknown: a new client with the name the channel gave.
    const { internalSecret } = JSON.parse(
      await readFile(path.join(server.dataDir, 'secrets.json'), 'utf8'),
    ) as { internalSecret: string }
    const inbound = await request.post(`${server.baseURL}/internal/test/inbound`, {
      headers: { 'x-internal-secret': internalSecret },
      data: {
        tenant: 'demo',
        kind: 'telegram',
        clientAddress: String(Date.now()),
        clientName: 'Пётр Чатов',
        providerMsgId: randomUUID(),
        text: 'Здравствуйте!',
      },
    })
    expect(inbound.ok(), await inbound.text()).toBe(true)
    const { chatId } = (await inbound.json()) as { chatId: string }
    await page.goto(`/requests/${chatId}`)
    await page.getByRole('button', { name: 'More actions' }).click()
    await page.getByRole('menuitem', { name: 'Add to contacts' }).click()
    await expect(page.getByRole('textbox', { name: 'Client name' })).toHaveValue('Пётр Чатов')
    await page.getByRole('button', { name: 'Create client' }).click()
    await page.getByTestId('added-client').click()
    await expect(page.getByRole('heading', { name: 'Пётр Чатов' })).toBeVisible()
    const items = page.getByTestId('client-timeline').getByRole('listitem')
    await expect(items).toHaveCount(1)
    await expect(items.first()).toHaveAttribute('data-kind', 'chat')
    // The address book has him too (the client.updated event reached this app's mirror).
    const token = await tokenOf(request, server, 'op1@demo')
    const found = await request.get(
      `${server.baseURL}/api/contacts/clients?q=${encodeURIComponent('Чатов')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    )
    expect(((await found.json()) as { name: string }[]).map((c) => c.name)).toEqual(['Пётр Чатов'])
  } finally {
    await closeAll(op1)
    await own.dispose()
  }
})

/**
 * Issue 12 §6, SPEC K3: a tenant whose clients come from its CRM has a read-only book, and the app
 * says so — the contact book and the client card carry "Contacts come from your CRM — edit them
 * there", the call's Add to contacts is disabled with that reason, and the chat's menu offers no
 * Add to contacts. The admin turns the CRM source on through its API (migration 0151). Runs on a
 * server of its own: a read-only demo book would refuse other specs' edits.
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
  openPhone,
  SALES_VN,
  tokenOf,
} from './phone-helpers.ts'

test.describe.configure({ timeout: 180_000 })

const NOTE = 'Contacts come from your CRM — edit them there'

test('K3 a CRM-fed book is read-only and says so', async ({ browser, request }) => {
  const own = await ownServer({ FRONTLINE_TEST_HOOKS: '1' }, { pbx: true })
  const { server } = own
  let op1: Awaited<ReturnType<typeof openPhone>> | null = null
  try {
    const admin = { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
    expect(
      (await request.post(`${server.baseURL}/api/admin/crm-contacts/secret`, { headers: admin })).ok(),
    ).toBe(true)
    const on = await request.put(`${server.baseURL}/api/admin/crm-contacts`, {
      headers: admin,
      data: { readOnly: true },
    })
    expect(await on.json()).toMatchObject({ readOnly: true })

    // A call from a number the book does not know, and a chat of someone unknown.
    const unknown = '+79160005577'
    await everyoneOff(request, server)
    op1 = await openPhone(browser, server, 'op1@demo')
    const page = op1.page
    const customer = await gateway(browser, request, server)
    await customer.call(SALES_VN, unknown)
    await accept(page)
    await hangUp(page)
    const [call] = await history(request, server, 'op1@demo', digits(unknown).slice(-7))
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

    // The contact book and a client card say where the book comes from.
    await page.getByRole('link', { name: 'Contacts', exact: true }).click()
    await page.getByRole('link', { name: 'Clients', exact: true }).click()
    await expect(page.getByRole('note')).toHaveText(NOTE)
    await page.getByRole('searchbox', { name: 'Search clients by name, phone or e-mail' }).fill('Соколова')
    await page.getByRole('link', { name: /Елена Соколова/ }).click()
    await expect(page.getByRole('heading', { name: 'Елена Соколова' })).toBeVisible()
    await expect(page.getByRole('note')).toHaveText(NOTE)

    // The call's details: Add to contacts is there, disabled, and says why.
    await page.goto(`/calls/${String(call?.id)}`)
    const add = page.getByRole('button', { name: 'Add to contacts' })
    await expect(add).toBeDisabled()
    await expect(add).toHaveAccessibleDescription(NOTE)

    // The chat's menu offers no Add to contacts.
    await page.goto(`/requests/${chatId}`)
    await page.getByRole('button', { name: 'More actions' }).click()
    await expect(page.getByRole('menuitem').first()).toBeVisible()
    await expect(page.getByRole('menuitem', { name: 'Add to contacts' })).toHaveCount(0)
    await page.keyboard.press('Escape')

    // The operator's own edit is refused by the server too (E_CONTACTS_READ_ONLY).
    const op = { authorization: `Bearer ${await tokenOf(request, server, 'op1@demo')}` }
    const refused = await request.post(`${server.baseURL}/api/contacts/clients`, {
      headers: op,
      data: { name: 'Hand Made', phone: unknown },
    })
    expect((await refused.json()).error.code).toBe('E_CONTACTS_READ_ONLY')

    // The admin gives the book back to the app: after a reload the note is gone, Add is offered.
    await request.put(`${server.baseURL}/api/admin/crm-contacts`, {
      headers: admin,
      data: { readOnly: false },
    })
    await page.goto(`/calls/${String(call?.id)}`)
    await expect(page.getByRole('button', { name: 'Add to contacts' })).toBeEnabled()
    await expect(page.getByRole('note')).toHaveCount(0)
  } finally {
    await closeAll(op1)
    await own.dispose()
  }
})

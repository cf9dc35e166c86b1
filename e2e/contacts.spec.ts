/** SPEC K1, K2: the address book — employees, groups, clients and the client card. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { expect, test } from './fixtures.ts'
import { signIn } from './helpers.ts'

test('K1 groups show extension and available / total operators', async ({ page, server }) => {
  await page.goto('/')
  await signIn(page, server, 'op6@demo')
  await page.getByRole('link', { name: 'Contacts' }).click()
  await page.getByRole('link', { name: 'Groups' }).click()
  const sales = page.getByRole('listitem').filter({ hasText: 'Sales' })
  await expect(sales).toContainText('200')
  await expect(sales.getByText(/of 3 operators available/)).toBeAttached()
})

test('K2 client search by name, phone and e-mail opens the client card', async ({
  page,
  server,
  request,
}) => {
  await page.goto('/')
  await signIn(page, server, 'supervisor@demo')
  const res = await request.post('/api/auth/login', {
    data: { login: 'supervisor@demo', password: server.password },
  })
  const { token } = await res.json()
  const clients = await (
    await request.get('/api/contacts/clients?limit=50', { headers: { authorization: `Bearer ${token}` } })
  ).json()
  const client = clients.find(
    (c: { phones: string[]; emails: string[]; channels: unknown[] }) =>
      c.phones.length && c.emails.length && c.channels.length,
  )
  expect(client).toBeTruthy()

  await page.getByRole('link', { name: 'Contacts' }).click()
  await page.getByRole('link', { name: 'Clients' }).click()
  const search = page.getByRole('searchbox', { name: 'Search clients by name, phone or e-mail' })
  for (const q of [
    client.name.split(' ')[0],
    client.phones[0].replace(/\D/g, '').slice(-7),
    client.emails[0],
  ]) {
    await search.fill(q)
    await expect(page.getByRole('link', { name: new RegExp(client.name) }).first()).toBeVisible()
  }
  await page
    .getByRole('link', { name: new RegExp(client.name) })
    .first()
    .click()
  await expect(page.getByRole('heading', { name: client.name })).toBeVisible()
  // Shown formatted (issue 11 §3): the same digits, in any grouping.
  await expect(
    page.getByText(new RegExp(client.phones[0].replace(/\D/g, '').split('').join('\\D*'))).first(),
  ).toBeVisible()
  await expect(page.getByText(client.emails[0]).first()).toBeVisible()
  // Its channels by name for people ("WhatsApp: …"), never the raw kind id ("whatsapp: …").
  const names: Record<string, string> = {
    sms: 'SMS',
    whatsapp: 'WhatsApp',
    email: 'E-mail',
    telegram: 'Telegram',
  }
  // A phone channel's number as the phones read ("+7 916 400 00 00"), never raw E.164 (probe 12 UI #17).
  const shown = (kind: string, address: string) =>
    ['sms', 'whatsapp', 'viber'].includes(kind)
      ? (parsePhoneNumberFromString(address)?.formatInternational() ?? address)
      : address
  for (const ch of (client as { channels: { kind: string; address: string }[] }).channels) {
    const chip = page.getByText(`${names[ch.kind] ?? ch.kind}: ${shown(ch.kind, ch.address)}`, {
      exact: true,
    })
    await expect(chip).toBeVisible()
    await expect(page.getByText(`${ch.kind}: ${ch.address}`, { exact: true })).toHaveCount(
      names[ch.kind] ? 0 : 1,
    )
  }
})

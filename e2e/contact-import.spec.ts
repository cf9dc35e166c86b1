/**
 * Issue 12 §6, SPEC K3: the admin imports clients from a CSV file in the admin screen — the preview
 * names the one bad row's error, the import writes only the good rows, and they are in the book.
 */
import { expect, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'
import { tokenOf } from './phone-helpers.ts'

test('K3 a CSV import with one bad row', async ({ browser, request, server }) => {
  const tag = Date.now().toString().slice(-6)
  const csv = [
    'Name,Phone,E-mail,External ID',
    `Csv Anna ${tag},+7 916 ${tag.slice(0, 3)}-${tag.slice(3, 5)}-${tag.slice(5)}0,anna${tag}@example.com,csv-${tag}-1`,
    `Csv Bad ${tag},12,,csv-${tag}-2`,
    `"=HYPERLINK(""http://x"",""Csv Formula ${tag}"")",+7 916 ${tag.slice(0, 3)}-${tag.slice(3, 5)}-${tag.slice(5)}1,,csv-${tag}-3`,
  ].join('\n')
  const { context, page } = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  await page.goto('/admin')
  await page.getByRole('link', { name: /import clients/i }).click()
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({
    name: 'clients.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  })
  const table = page.getByRole('table', { name: 'Rows of the file' })
  await expect(table.getByRole('row')).toHaveCount(4)
  await expect(table.getByRole('row', { name: new RegExp(`Csv Bad ${tag}`) })).toContainText(
    'not a valid phone number',
  )
  await expect(page.getByText('2 rows can be imported, 1 have errors')).toBeVisible()
  await page.getByRole('button', { name: 'Import 2 rows' }).click()
  await expect(page.getByText('Imported: 2 new, 0 updated; 1 rows skipped')).toBeVisible()

  const headers = { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
  // The search also matches phone digits (the tag is in the numbers too): keep the names that have the text.
  const found = async (q: string) =>
    (
      (await (
        await request.get(`${server.baseURL}/api/contacts/clients?q=${encodeURIComponent(q)}`, { headers })
      ).json()) as { name: string }[]
    ).filter((c) => c.name.includes(q))
  expect((await found(`Csv Anna ${tag}`)).map((c) => c.name)).toEqual([`Csv Anna ${tag}`])
  expect(await found(`Csv Bad ${tag}`)).toEqual([])
  // The formula-looking cell is a name like any other: kept as text, shown as text.
  expect((await found(`Csv Formula ${tag}`)).map((c) => c.name)).toEqual([
    `=HYPERLINK("http://x","Csv Formula ${tag}")`,
  ])
  await context.close()
})

test('K3 the admin makes the CRM secret and the book becomes read-only', async ({
  browser,
  request,
  server,
}) => {
  const { context, page } = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  await page.goto('/admin/import')
  const card = page.getByRole('region', { name: 'Clients from your CRM' })
  const make = card.getByRole('button', { name: /make a (new )?secret/i })
  const again = /new/i.test((await make.textContent()) ?? '')
  await make.click()
  // A secret the CRM may already hold is replaced only when the admin says so.
  if (again) await page.getByRole('alertdialog').getByRole('button', { name: 'Make a new secret' }).click()
  await expect(card.getByRole('status')).toContainText('Secret')
  await expect(card.getByText('/api/hooks/crm-contacts/')).toBeVisible()
  const shown = await card.getByRole('status').locator('code').textContent()
  await card.getByRole('button', { name: 'Make a new secret' }).click()
  const ask = page.getByRole('alertdialog')
  await expect(ask).toContainText('stops working at once')
  await ask.getByRole('button', { name: /cancel/i }).click()
  await expect(card.getByRole('status').locator('code')).toHaveText(shown ?? '')
  await expect(card.getByRole('button', { name: /copy/i }).first()).toBeVisible()
  const readOnly = card.getByRole('switch', { name: /only from the CRM/ })
  await readOnly.check()
  const headers = { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
  await expect
    .poll(
      async () =>
        (await (await request.get(`${server.baseURL}/api/admin/crm-contacts`, { headers })).json()).readOnly,
    )
    .toBe(true)
  const refused = await request.post(`${server.baseURL}/api/contacts/clients`, {
    headers,
    data: { name: 'Hand Made', phone: '+79167770031' },
  })
  expect(refused.status()).toBe(409)
  await readOnly.uncheck()
  await expect
    .poll(
      async () =>
        (await (await request.get(`${server.baseURL}/api/admin/crm-contacts`, { headers })).json()).readOnly,
    )
    .toBe(false)
  await context.close()
})

/**
 * Issue 12 §6, SPEC K1 + A4: the phone's own contacts through the Contact Picker API, and "Prefer
 * names from the phone's contact book". The test gives the page `navigator.contacts` (select +
 * getProperties) by an init script, as Chrome on Android would; the picked contacts stay on the
 * device. A call from a picked number then shows the phone-book name on the incoming screen and in
 * history; with the setting off the number is back. Without the API the setting is disabled and says
 * why, in both languages.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { signIn } from './helpers.ts'
import {
  accept,
  closeAll,
  everyoneOff,
  expectLine,
  gateway,
  hangUp,
  incoming,
  num,
  openPhone,
  SALES_VN,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })

const MUM = { name: 'Мама Телефон', phone: '+79160005588' }

/** The Contact Picker API as Chrome on Android exposes it; `select` answers with two contacts. */
function contactPicker() {
  Object.defineProperty(navigator, 'contacts', {
    configurable: true,
    value: {
      getProperties: async () => ['name', 'email', 'tel'],
      select: async (props: string[], opts: { multiple?: boolean }) => {
        ;(globalThis as { pickedWith?: unknown }).pickedWith = { props, opts }
        return [
          { name: ['Мама Телефон'], tel: ['8 916 000-55-88'], email: [] },
          { name: ['Work Phone'], tel: ['+7 916 000 55 99'], email: [] },
        ]
      },
    },
  })
}

const namesSwitch = (page: Page) =>
  page.getByRole('switch', { name: "Prefer names from the phone's contact book" })

test('K1 phone contacts picked and A4 their names shown in history', async ({ browser, request, server }) => {
  await everyoneOff(request, server)
  const op1 = await openPhone(browser, server, 'op1@demo')
  const customer = await gateway(browser, request, server)
  const page = op1.page
  try {
    await op1.context.addInitScript(contactPicker)
    await page.goto('/?debug')
    await expectLine(page)
    await page.getByRole('link', { name: 'Account' }).click()
    await expect(namesSwitch(page)).toBeEnabled()
    await page.getByRole('button', { name: 'Pick contacts from this phone' }).click()
    await expect(page.getByText('Picked on this device: 2')).toBeVisible()
    expect(await page.evaluate(() => (globalThis as { pickedWith?: unknown }).pickedWith)).toEqual({
      props: ['name', 'tel'],
      opts: { multiple: true },
    })
    // Picking is asking for their names: the switch came on by itself (probe 12 UI #7).
    await expect(namesSwitch(page)).toBeChecked()

    // The incoming screen names the caller as the phone's book does, before answering.
    await page.getByRole('link', { name: 'Calls', exact: true }).click()
    await customer.call(SALES_VN, MUM.phone)
    await expect(incoming(page).getByRole('heading', { name: MUM.name })).toBeVisible({ timeout: 15_000 })
    await accept(page)
    await hangUp(page)

    // History: the row is named by the phone's book, the number under it.
    await page.getByRole('tab', { name: 'All calls' }).click()
    const row = page
      .locator('.call-row')
      .filter({ has: page.getByRole('link', { name: /^Details of the call with/ }) })
    await expect(row.first()).toContainText(MUM.name)
    await expect(row.first()).toContainText(num(MUM.phone))

    // Off: the number again (the book of the tenant does not know it).
    await page.getByRole('link', { name: 'Account' }).click()
    await namesSwitch(page).uncheck()
    await page.getByRole('link', { name: 'Calls', exact: true }).click()
    await page.getByRole('tab', { name: 'All calls' }).click()
    await expect(row.first()).toContainText(num(MUM.phone))
    await expect(page.getByText(MUM.name)).toHaveCount(0)

    // On again: the phone-book name is back.
    await page.getByRole('link', { name: 'Account' }).click()
    await namesSwitch(page).check()
    await page.getByRole('link', { name: 'Calls', exact: true }).click()
    await page.getByRole('tab', { name: 'All calls' }).click()
    await expect(row.first()).toContainText(MUM.name)
  } finally {
    await closeAll(op1, customer)
  }
})

test('K1 without the Contact Picker API the phone-book setting is disabled and says why', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.baseURL })
  const page = await context.newPage()
  try {
    await page.goto('/')
    await signIn(page, server, 'op4@demo')
    await page.getByRole('link', { name: 'Account' }).click()
    await expect(namesSwitch(page)).toBeDisabled()
    await expect(namesSwitch(page)).toHaveAccessibleDescription(
      /This browser cannot read the phone's contacts \(Contact Picker API\): Chrome on Android can/,
    )
    await expect(page.getByRole('button', { name: 'Pick contacts from this phone' })).toHaveCount(0)

    await page.evaluate(() => localStorage.setItem('frontline.lang', 'ru'))
    await page.goto('/account')
    const ru = page.getByRole('switch', { name: 'Имена из телефонной книги устройства' })
    await expect(ru).toBeDisabled()
    await expect(ru).toHaveAccessibleDescription(
      /Этот браузер не умеет читать контакты телефона \(Contact Picker API\): это умеет Chrome на Android/,
    )
  } finally {
    await context.close()
  }
})

/**
 * SPEC C5–C7 on a real PBX: a demo-site customer calls Support (op4 answers) and is handed to op1
 * (Sales) — blind, attended, or back to the client when the consult fails. Audio is proven on both ends.
 */
import { expect, test } from './fixtures.ts'
import {
  accept,
  account,
  closeAll,
  everyoneOff,
  expectAudioBothWays,
  expectCalls,
  hangUp,
  inCall,
  incoming,
  openPhone,
  pageRtp,
  setStatuses,
  siteCustomer,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

/** op4 (Support) talks to a site customer; op1 is in `op1Status`. */
async function supportCall(
  browser: Parameters<typeof openPhone>[0],
  server: Parameters<typeof openPhone>[1],
  op1Status: RegExp,
) {
  const op1 = await openPhone(browser, server, 'op1@demo', op1Status)
  const op4 = await openPhone(browser, server, 'op4@demo')
  const customer = await siteCustomer(browser, server, '+79165550201')
  await customer.call('Support')
  await accept(op4.page)
  await expect(customer.state()).toHaveText(/Connected/)
  await expectAudioBothWays(op4.page)
  await inCall(op4.page).getByRole('button', { name: 'Transfer' }).click()
  const picker = op4.page.getByRole('dialog', { name: 'Transfer the call' })
  await expect(picker).toBeVisible()
  return { op1, op4, customer, picker, anna: account(server, 'op1@demo').name }
}

test('C5 blind transfer to a colleague', async ({ browser, server }) => {
  const { op1, op4, customer, picker, anna } = await supportCall(browser, server, /Available/)
  await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
  await accept(op1.page)
  await expectCalls(op4.page, [])
  await expectAudioBothWays(op1.page)
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(op1.page)
  await closeAll(op1, op4, customer)
})

test('C5 blind transfer to a group', async ({ browser, server }) => {
  const { op1, op4, customer, picker } = await supportCall(browser, server, /Available/)
  await picker.getByRole('button', { name: /^Transfer to Sales/ }).click()
  await accept(op1.page)
  await expectCalls(op4.page, [])
  await expectAudioBothWays(op1.page)
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(op1.page)
  await closeAll(op1, op4, customer)
})

test('C6 attended transfer completes', async ({ browser, server }) => {
  const { op1, op4, customer, picker, anna } = await supportCall(browser, server, /Available/)
  await picker.getByRole('button', { name: `New call to ${anna}` }).click()
  await accept(op1.page)
  // op4 consults op1 while the customer waits on hold (with music).
  await expectCalls(op4.page, ['held', 'active'])
  await expectAudioBothWays(op1.page)
  await expect.poll(async () => (await pageRtp(customer.page))?.inEnergy ?? 0).toBeGreaterThan(0)
  await op4.page.getByRole('button', { name: 'Connect' }).click()
  await expectCalls(op4.page, [], 15_000)
  await expectCalls(op1.page, ['active'], 15_000)
  await expectAudioBothWays(op1.page)
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(op1.page)
  await closeAll(op1, op4, customer)
})

test('C6 consult not answered → back to the client', async ({ browser, server }) => {
  const { op1, op4, customer, picker, anna } = await supportCall(browser, server, /Available/)
  await picker.getByRole('button', { name: `New call to ${anna}` }).click()
  await incoming(op1.page).getByRole('button', { name: 'Decline' }).click({ timeout: 15_000 })
  const back = op4.page.getByRole('button', { name: /^Return to client/ })
  await expect(back).toBeVisible({ timeout: 10_000 })
  await back.click()
  await expectCalls(op4.page, ['active'])
  await expect(back).toBeHidden()
  await expectAudioBothWays(op4.page)
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(op4.page)
  await closeAll(op1, op4, customer)
})

test('C1 a consult call shows the colleague which client it is about', async ({ browser, server }) => {
  // Probe 12 #15: op2 reads the app in Russian, op1 in English.
  const op2 = await openPhone(browser, server, 'op2@demo')
  await op2.page.getByRole('link', { name: 'Account' }).click()
  await op2.page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Русский' })
  const { op1, op4, customer, picker, anna } = await supportCall(browser, server, /Available/)
  const about = '+7 916 555 02 01 (Support · Yandex Direct)'
  await picker.getByRole('button', { name: `New call to ${anna}` }).click()
  const ring = incoming(op1.page)
  await expect(ring.getByTestId('incoming-consult')).toHaveText(`Consultation about ${about}`, {
    timeout: 15_000,
  })
  // The private-call look is gone: the screen says why before he answers.
  await ring.getByRole('button', { name: 'Decline' }).click()
  const back = op4.page.getByRole('button', { name: /^Return to client/ })
  await back.click({ timeout: 10_000 })
  await expectCalls(op4.page, ['active'])
  await inCall(op4.page).getByRole('button', { name: 'Transfer' }).click()
  await picker.getByRole('button', { name: `New call to ${account(server, 'op2@demo').name}` }).click()
  const ringRu = op2.page.getByRole('dialog', { name: /^Входящий звонок/ })
  await expect(ringRu.getByTestId('incoming-consult')).toHaveText(`Консультация по звонку ${about}`, {
    timeout: 15_000,
  })
  await ringRu.getByRole('button', { name: 'Отклонить' }).click()
  await back.click({ timeout: 10_000 })
  await expectCalls(op4.page, ['active'])
  await expectAudioBothWays(customer.page, pageRtp)
  await hangUp(op4.page)
  await closeAll(op1, op2, op4, customer)
})

test('C7 a colleague in Break cannot be chosen', async ({ browser, server, request }) => {
  const { op1, op4, customer, picker, anna } = await supportCall(browser, server, /Break/)
  await expect(picker.getByRole('button', { name: `Transfer to ${anna}` })).toBeDisabled()
  await expect(picker.getByRole('button', { name: `New call to ${anna}` })).toBeDisabled()
  // Sales has nobody available either (op1 is its only member online).
  await expect(picker.getByRole('button', { name: /^Transfer to Sales/ })).toBeDisabled()
  // Once op1 is Available the same row becomes selectable (live).
  await setStatuses(request, server, { 'op1@demo': 'available' })
  await picker.getByRole('button', { name: 'Cancel' }).click()
  await inCall(op4.page).getByRole('button', { name: 'Transfer' }).click()
  await expect(picker.getByRole('button', { name: `Transfer to ${anna}` })).toBeEnabled()
  await picker.getByRole('button', { name: 'Cancel' }).click()
  await hangUp(op4.page)
  await closeAll(op1, op4, customer)
})

/**
 * SPEC C5 with a phone of another SIP stack (issue 11 §1): the customer is JsSIP on the phone network
 * line, which follows a REFER without Referred-By. The transfer leg is authorised by the server's grant
 * (Kamailio reported the REFER); a transfer nobody completes fails after the tenant's transfer timeout.
 */
import type { APIRequestContext } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { jssipCustomer } from './jssip-customer.ts'
import {
  accept,
  account,
  closeAll,
  everyoneOff,
  expectAudioBothWays,
  expectCalls,
  hangUp,
  history,
  inCall,
  incoming,
  openPhone,
  pageRtp,
  SUPPORT_VN,
  tokenOf,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 120_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

async function transferTimeout(request: APIRequestContext, server: FrontlineServer, sec: number) {
  const token = await tokenOf(request, server, 'admin@demo')
  const r = await request.put(`${server.baseURL}/api/admin/call-settings`, {
    data: { transferTimeoutSec: sec },
    headers: { authorization: `Bearer ${token}` },
  })
  expect(r.ok(), 'call settings').toBe(true)
}

/** op4 (Support) talks to a JsSIP customer calling from the phone network; op1 is Available. */
async function supportCall(
  browser: Parameters<typeof openPhone>[0],
  request: APIRequestContext,
  server: FrontlineServer,
  followRefer: boolean,
  clientNumber: string,
) {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op4 = await openPhone(browser, server, 'op4@demo')
  const customer = await jssipCustomer(browser, request, server, { followRefer })
  await customer.call(SUPPORT_VN, clientNumber)
  await accept(op4.page)
  await expect.poll(() => customer.state(), { timeout: 15_000 }).toBe('talking')
  await expectAudioBothWays(op4.page)
  await expectAudioBothWays(customer.page, pageRtp)
  await inCall(op4.page).getByRole('button', { name: 'Transfer' }).click()
  const picker = op4.page.getByRole('dialog', { name: 'Transfer the call' })
  await expect(picker).toBeVisible()
  return { op1, op4, customer, picker, anna: account(server, 'op1@demo').name }
}

test("C5 blind transfer where the customer's phone is JsSIP (a second SIP stack from npm, which sends no Referred-By) reaches the target with audio", async ({
  browser,
  request,
  server,
}) => {
  const client = '+79165550311'
  const { op1, op4, customer, picker, anna } = await supportCall(browser, request, server, true, client)
  await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
  await accept(op1.page)
  await expectCalls(op4.page, [])
  await expect.poll(() => customer.state(), { timeout: 15_000 }).toBe('talking')
  expect(await customer.refers()).toHaveLength(1)
  await expectAudioBothWays(op1.page)
  await expectAudioBothWays(customer.page, pageRtp)
  // The leg is linked to the call op4 took: the chain, the direction, "transferred by".
  const calls = await history(request, server, 'admin@demo', client.slice(-7))
  const original = calls.find(
    (c) => c.transferOfId === null && c.answeredByName === account(server, 'op4@demo').name,
  )
  const leg = calls.find((c) => c.transferOfId !== null)
  expect(original, JSON.stringify(calls)).toBeTruthy()
  expect(leg).toMatchObject({ transferOfId: original?.id, direction: 'in' })
  await hangUp(op1.page)
  await closeAll(op1, op4, customer)
})

test('C5 a transfer nobody completes fails after the (lowered) timeout and returns to the client', async ({
  browser,
  request,
  server,
}) => {
  await transferTimeout(request, server, 3)
  try {
    // The customer's phone takes the REFER (202) but never places the new call.
    const { op1, op4, customer, picker, anna } = await supportCall(
      browser,
      request,
      server,
      false,
      '+79165550312',
    )
    await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
    await expect.poll(() => customer.refers(), { timeout: 10_000 }).toHaveLength(1)
    // It says what happens now, and never covers the hang-up button (probe 11 items 6).
    const failed = op4.page
      .getByRole('alert')
      .filter({ hasText: 'Transfer failed — you are back with the client' })
    await expect(failed).toBeVisible({ timeout: 15_000 })
    const box = await failed.boundingBox()
    const hang = await inCall(op4.page).getByRole('button', { name: 'Hang up' }).boundingBox()
    expect(box && hang).toBeTruthy()
    if (box && hang) expect(box.y + box.height <= hang.y || hang.y + hang.height <= box.y).toBe(true)
    await expectCalls(op4.page, ['active'])
    await expect(inCall(op4.page).getByText('Transferring…')).toBeHidden()
    await expect(incoming(op1.page)).toBeHidden()
    // Back with the client: audio both ways, and the call ends normally.
    await expectAudioBothWays(op4.page)
    await expectAudioBothWays(customer.page, pageRtp)
    expect(await customer.state()).toBe('talking')
    await hangUp(op4.page)
    await closeAll(op1, op4, customer)
  } finally {
    await transferTimeout(request, server, 30)
  }
})

test('C5 a transfer the target does not answer in time fails, and the target stops ringing: no second operator on the client', async ({
  browser,
  request,
  server,
}) => {
  await transferTimeout(request, server, 4)
  try {
    // The customer's phone follows the REFER; op1's phone rings with the transfer and nobody answers.
    const { op1, op4, customer, picker, anna } = await supportCall(
      browser,
      request,
      server,
      true,
      '+79165550313',
    )
    await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
    await expect(incoming(op1.page)).toBeVisible({ timeout: 15_000 })
    await expect(
      op4.page.getByRole('alert').filter({ hasText: 'Transfer failed — you are back with the client' }),
    ).toBeVisible({ timeout: 15_000 })
    // The leg the customer's phone started is cancelled with the grant: op1's incoming screen goes,
    // and op1 has no call to answer late (probe 11 items 4, 24).
    await expect(incoming(op1.page)).toBeHidden({ timeout: 5_000 })
    await expectCalls(op1.page, [])
    await expectCalls(op4.page, ['active'])
    await expect(inCall(op4.page).getByText('Transferring…')).toBeHidden()
    // The customer's phone saw its new call fail (the ring time ended with the grant: 408) and is
    // still with op4 on the first call: audio both ways.
    expect(await customer.state()).toBe('failed 408')
    await expectAudioBothWays(op4.page)
    await expectAudioBothWays(customer.page, pageRtp)
    await hangUp(op4.page)
    await closeAll(op1, op4, customer)
  } finally {
    await transferTimeout(request, server, 30)
  }
})

test('C8 a missed blind transfer is in the target\'s My calls as "Missed transfer from …"', async ({
  browser,
  request,
  server,
}) => {
  await transferTimeout(request, server, 4)
  try {
    // Probe 12 #12: op1 rings with the transfer and does not answer; the transfer fails.
    const client = '+79165550314'
    const { op1, op4, customer, picker, anna } = await supportCall(browser, request, server, true, client)
    const boris = account(server, 'op4@demo').name
    await picker.getByRole('button', { name: `Transfer to ${anna}` }).click()
    await expect(incoming(op1.page)).toBeVisible({ timeout: 15_000 })
    await expect(
      op4.page.getByRole('alert').filter({ hasText: 'Transfer failed — you are back with the client' }),
    ).toBeVisible({ timeout: 15_000 })
    await expect(incoming(op1.page)).toBeHidden({ timeout: 5_000 })
    // The target's own history has it, from the one who transferred it, with the client's number.
    await op1.page.getByRole('link', { name: 'Calls', exact: true }).click()
    const row = op1.page
      .getByRole('list', { name: 'My calls' })
      .locator('.call-row')
      .filter({ hasText: `Missed transfer from ${boris}` })
      .first()
    await expect(row).toBeVisible({ timeout: 10_000 })
    await expect(row).toContainText('+7 916 555 03 14')
    // Read whole on a phone: the kind line wraps rather than ending in "…" (probe 14 UI #1).
    const cut = await row
      .locator('.call-sub-text')
      .evaluate((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    expect(cut, 'the kind line is cut').toBe(false)
    // Its details say who handed it over.
    await row.getByRole('link', { name: /^Details of the call/ }).click()
    const facts = op1.page.locator('dl.facts').first()
    await expect(facts).toContainText(`Transferred by${boris}`)
    await expect(op1.page.getByText(`Missed transfer from ${boris}`)).toBeVisible()
    await hangUp(op4.page)
    await closeAll(op1, op4, customer)
  } finally {
    await transferTimeout(request, server, 30)
  }
})

/**
 * Issue 13 §2 on a real PBX: the admin changes the status matrix, a group, a virtual number and the
 * omnichannel option in the admin screens, and the next call (or the operators' open apps) follows
 * at once — no reload, no cache. Each change is in the audit log with before and after.
 */
import type { APIRequestContext, Page } from '@playwright/test'
import { DEFAULT_STATUS_MATRIX } from '../contract/status.ts'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'
import {
  accept,
  account,
  closeAll,
  everyoneOff,
  hangUp,
  incoming,
  openPhone,
  SALES_VN,
  setStatuses,
  siteCustomer,
  tokenOf,
} from './phone-helpers.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 150_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

async function asAdmin(request: APIRequestContext, server: FrontlineServer) {
  return { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
}

/** The newest audit entry of `entity`. */
async function lastAudit(request: APIRequestContext, server: FrontlineServer, entity: string) {
  const r = await request.get(`${server.baseURL}/api/admin/audit?entity=${entity}`, {
    headers: await asAdmin(request, server),
  })
  expect(r.ok()).toBe(true)
  const { entries } = (await r.json()) as {
    entries: { action: string; before: Record<string, unknown>; after: Record<string, unknown> }[]
  }
  return entries[0]
}

/** The admin's app, open at one admin section. */
async function adminAt(
  browser: Parameters<typeof operatorPhone>[0],
  server: FrontlineServer,
  section: string,
) {
  const admin = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  await admin.page.goto(`/admin/${section}`)
  return admin
}

const ringing = (page: Page) =>
  page.evaluate(
    () =>
      (
        globalThis as never as { __frontlinePhone: { snapshot(): { calls: unknown[] } } }
      ).__frontlinePhone.snapshot().calls.length,
  )

test('S2 the admin turns "incoming calls" on for Break → a call now reaches an operator in Break at once', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo', /Break/)
  const admin = await adminAt(browser, server, 'statuses')
  try {
    const toggle = admin.page.getByRole('switch', { name: 'Break: Incoming calls to the app' })
    await expect(toggle).not.toBeChecked()
    await toggle.check()
    await admin.page.getByRole('button', { name: 'Save statuses' }).click()
    await expect(admin.page.getByRole('button', { name: 'Save statuses' })).toBeDisabled()
    // op1 is the only Sales member who may take calls: in Break, now allowed.
    const customer = await siteCustomer(browser, server, '+79165550131')
    await customer.call('Sales')
    await accept(op1.page)
    await expect(customer.state()).toHaveText(/Connected/)
    await hangUp(op1.page)
    await closeAll(customer)
    const entry = await lastAudit(request, server, 'statuses')
    const breakIn = (x: Record<string, unknown>) =>
      (x.value as { id: string; allows: { softphoneIn: boolean } }[]).find((s) => s.id === 'break')?.allows
        .softphoneIn
    expect(entry?.action).toBe('statuses.update')
    expect(breakIn(entry?.before ?? {})).toBe(false)
    expect(breakIn(entry?.after ?? {})).toBe(true)
  } finally {
    await request.put(`${server.baseURL}/api/statuses`, {
      data: { matrix: DEFAULT_STATUS_MATRIX },
      headers: await asAdmin(request, server),
    })
    await closeAll(op1, admin)
  }
})

test('C3 a group switched to sequential rings its members in order at once', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo')
  const op2 = await openPhone(browser, server, 'op2@demo')
  const admin = await adminAt(browser, server, 'groups')
  const groups = async () =>
    (
      (await (
        await request.get(`${server.baseURL}/api/admin/groups`, { headers: await asAdmin(request, server) })
      ).json()) as { groups: { id: string; extension: string; strategy: string; memberIds: string[] }[] }
    ).groups
  const before = (await groups()).find((g) => g.extension === '200')
  try {
    await admin.page.getByRole('button', { name: 'Edit Sales' }).click()
    const form = admin.page.getByRole('form', { name: 'Edit group Sales' })
    await form.getByLabel('How calls ring').selectOption({ label: 'One after another, in order' })
    // op2 first: one step up.
    await form.getByRole('button', { name: `Move ${account(server, 'op2@demo').name} up` }).click()
    await form.getByRole('button', { name: 'Save' }).click()
    await expect(form).toBeHidden()
    const customer = await siteCustomer(browser, server, '+79165550132')
    await customer.call('Sales')
    // op2 rings first, alone; op1 only when op2 declines.
    await expect(incoming(op2.page)).toBeVisible({ timeout: 15_000 })
    expect(await ringing(op1.page)).toBe(0)
    await incoming(op2.page).getByRole('button', { name: 'Decline' }).click()
    await accept(op1.page)
    await hangUp(op1.page)
    await closeAll(customer)
    const entry = await lastAudit(request, server, 'group')
    expect(entry).toMatchObject({
      action: 'group.update',
      before: { strategy: 'parallel', memberIds: before?.memberIds },
      after: { strategy: 'sequential' },
    })
  } finally {
    if (before) {
      const { id, ...rest } = before as typeof before & Record<string, unknown>
      await request.put(`${server.baseURL}/api/admin/groups/${id}`, {
        data: rest,
        headers: await asAdmin(request, server),
      })
    }
    await closeAll(op1, op2, admin)
  }
})

test('C1 a virtual number retargeted to another group rings that group at once', async ({
  browser,
  request,
  server,
}) => {
  const op1 = await openPhone(browser, server, 'op1@demo') // Sales
  const op4 = await openPhone(browser, server, 'op4@demo') // Support
  const admin = await adminAt(browser, server, 'numbers')
  const headers = await asAdmin(request, server)
  const numbers = async () =>
    (
      (await (await request.get(`${server.baseURL}/api/admin/numbers`, { headers })).json()) as {
        numbers: { id: string; number: string; name: string; source: string; target: unknown }[]
      }
    ).numbers
  const before = (await numbers()).find((n) => n.number === SALES_VN)
  try {
    await admin.page.getByRole('button', { name: `Edit ${SALES_VN}` }).click()
    const form = admin.page.getByRole('form', { name: `Edit number ${SALES_VN}` })
    await form.getByLabel('Rings').selectOption({ label: 'Support · 201' })
    await form.getByRole('button', { name: 'Save' }).click()
    await expect(form).toBeHidden()
    const customer = await siteCustomer(browser, server, '+79165550133')
    await customer.call('Sales') // the site's "Sales" line is the number, now Support's
    await accept(op4.page)
    expect(await ringing(op1.page)).toBe(0)
    await hangUp(op4.page)
    await closeAll(customer)
    const entry = await lastAudit(request, server, 'virtual_number')
    expect(entry?.action).toBe('number.update')
    expect(entry?.before).toMatchObject({ number: SALES_VN, target: before?.target })
    expect(entry?.after).toMatchObject({ number: SALES_VN, target: { kind: 'group' } })
    expect(entry?.after.target).not.toEqual(before?.target)
  } finally {
    if (before) {
      const { id, ...rest } = before
      await request.put(`${server.baseURL}/api/admin/numbers/${id}`, { data: rest, headers })
    }
    await closeAll(op1, op4, admin)
  }
})

test("A5 the admin screen's omnichannel switch hides Requests live", async ({ browser, request, server }) => {
  await setStatuses(request, server, { 'op2@demo': 'available' })
  const op = await operatorPhone(browser, server, 'op2@demo', { locale: 'en-US' })
  const tabs = op.page.getByRole('navigation', { name: 'Sections' })
  await expect(tabs.getByRole('link', { name: 'Requests' })).toBeVisible()
  const admin = await adminAt(browser, server, 'settings')
  try {
    const omni = admin.page.getByRole('switch', { name: /Chats and requests/ })
    await expect(omni).toBeChecked()
    // Off asks first (probe 13 UI #8), naming the effect.
    await omni.click()
    await admin.page
      .getByRole('alertdialog', { name: 'Turn chats and requests off?' })
      .getByRole('button', { name: 'Turn off' })
      .click()
    await expect(tabs.getByRole('link', { name: 'Requests' })).toHaveCount(0)
    await expect(tabs.getByRole('link', { name: 'Calls' })).toBeVisible()
    expect(await lastAudit(request, server, 'settings')).toMatchObject({
      action: 'features.update',
      before: { omni: true },
      after: { omni: false },
    })
    await omni.check()
    await expect(tabs.getByRole('link', { name: 'Requests' })).toBeVisible()
  } finally {
    await request.patch(`${server.baseURL}/api/admin/features`, {
      data: { omni: true },
      headers: await asAdmin(request, server),
    })
    await closeAll(op, admin)
  }
})

/**
 * Issue 12 §4, SPEC S3 (live monitoring, a forced status the operator sees) and S4 (the workload
 * report against a known status log, its CSV). S4 runs on a server of its own with the test door that
 * appends known rows to the status log (a spec cannot wait hours in each status).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { APIRequestContext } from '@playwright/test'
import { expect, type FrontlineServer, ownServer, test } from './fixtures.ts'
import { chooseStatus, operatorPhone, signIn } from './helpers.ts'

async function tokenOf(request: APIRequestContext, server: FrontlineServer, login: string) {
  const res = await request.post(`${server.baseURL}/api/auth/login`, {
    data: { login, password: server.password },
  })
  expect(res.ok()).toBe(true)
  return ((await res.json()) as { token: string; me: { id: string } }).token
}

test('S3 the supervisor sees statuses live and forces one', async ({ browser, server }) => {
  const op1 = server.accounts.find((a) => a.login === 'op1@demo')!
  const sup = server.accounts.find((a) => a.role === 'supervisor')!
  const one = await operatorPhone(browser, server, 'op1@demo')
  await chooseStatus(one.page, /Available/)

  const boss = await operatorPhone(browser, server, sup.login)
  await boss.page.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
  await boss.page.getByTestId('supervisor-link').click()
  await expect(boss.page.getByRole('heading', { name: 'Operators', exact: true })).toBeVisible()
  const row = boss.page.getByTestId('operator-row').filter({ hasText: op1.name })
  const select = row.getByRole('combobox', { name: `Set status for ${op1.name}` })
  await expect(select).toHaveValue('available')
  await expect(row.getByTestId('in-status')).toHaveText(/^\d+:\d\d$/)
  // A phone: the status select is a 44 px target; the table scrolls inside its card, never the page.
  expect((await select.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44)
  expect(
    await boss.page.evaluate(
      () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    ),
  ).toBe(true)

  // Live: the operator's own change reaches the supervisor's screen without a reload.
  await chooseStatus(one.page, /Break/)
  await expect(select).toHaveValue('break')

  // The supervisor forces "Do not disturb": the operator sees it, and who did it, live.
  await select.selectOption('dnd')
  await expect(
    one.page.getByRole('button', { name: `Status: Do not disturb (set by ${sup.name})` }),
  ).toBeVisible()
  await expect(
    one.page.getByRole('status').filter({ hasText: `set to Do not disturb by ${sup.name}` }),
  ).toBeVisible()
  await expect(row).toContainText(`set by ${sup.name}`)

  // The change is in the audit log, with the supervisor as its author.
  const admin = await tokenOf(boss.page.request, server, 'admin@demo')
  const audit = await boss.page.request.get(`${server.baseURL}/api/admin/audit?action=employee.status`, {
    headers: { authorization: `Bearer ${admin}` },
  })
  const entries = ((await audit.json()) as { entries: { actorName: string; after: { status: string } }[] })
    .entries
  expect(entries[0]).toMatchObject({ actorName: sup.name, after: { status: 'dnd' } })

  // The operator taking his status back clears "set by" on both sides.
  await chooseStatus(one.page, /Available/)
  await expect(select).toHaveValue('available')
  await expect(row).not.toContainText('set by')
  await one.context.close()
  await boss.context.close()
})

test('S3 an operator gets 403 on the supervisor’s API and cannot open the screen', async ({
  browser,
  server,
}) => {
  const one = await operatorPhone(browser, server, 'op2@demo')
  const token = await tokenOf(one.page.request, server, 'op2@demo')
  const headers = { authorization: `Bearer ${token}` }
  expect(
    (await one.page.request.get(`${server.baseURL}/api/supervisor/operators`, { headers })).status(),
  ).toBe(403)
  expect(
    (
      await one.page.request.get(
        `${server.baseURL}/api/supervisor/workload?from=2026-10-05T00:00:00.000Z&to=2026-10-06T00:00:00.000Z`,
        { headers },
      )
    ).status(),
  ).toBe(403)
  const me = (await (await one.page.request.get(`${server.baseURL}/api/me`, { headers })).json()) as {
    me: { id: string }
  }
  expect(
    (
      await one.page.request.put(`${server.baseURL}/api/supervisor/operators/${me.me.id}/status`, {
        headers,
        data: { status: 'available' },
      })
    ).status(),
  ).toBe(403)
  // The screen is hidden: no link on Account, and the address leads back to Calls.
  await one.page.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
  await expect(one.page.getByRole('button', { name: /^(status|статус):/i })).toBeVisible()
  await expect(one.page.getByTestId('supervisor-link')).toHaveCount(0)
  await one.page.goto('/supervisor')
  await expect(one.page).toHaveURL(/\/calls$/)
  await one.context.close()
})

test('S4 the report sums time per status (checked against a known status log)', async ({ browser }) => {
  const own = await ownServer({ FRONTLINE_TEST_HOOKS: '1' })
  try {
    const { server } = own
    const { internalSecret } = JSON.parse(
      await readFile(path.join(server.dataDir, 'secrets.json'), 'utf8'),
    ) as { internalSecret: string }
    const op3 = server.accounts.find((a) => a.login === 'op3@demo')!
    const sup = server.accounts.find((a) => a.role === 'supervisor')!
    // 5 October 2026 (UTC): off work until 08:00, available to 12:00, a 45-minute break, available to
    // 17:30, then off work: available 8:45, break 0:45, off work 14:30.
    const marks = [
      ['off_work', '2026-10-04T18:00:00.000Z'],
      ['available', '2026-10-05T08:00:00.000Z'],
      ['break', '2026-10-05T12:00:00.000Z'],
      ['available', '2026-10-05T12:45:00.000Z'],
      ['off_work', '2026-10-05T17:30:00.000Z'],
    ].map(([status, at]) => ({ status, at }))
    const ctx = await browser.newContext({
      baseURL: server.baseURL,
      timezoneId: 'UTC',
      acceptDownloads: true,
    })
    const put = await ctx.request.post(`${server.baseURL}/internal/test/status-log`, {
      headers: { 'x-internal-secret': internalSecret },
      data: { tenant: 'demo', login: 'op3@demo', marks },
    })
    expect(put.ok(), await put.text()).toBe(true)

    const page = await ctx.newPage()
    await page.goto('/')
    await signIn(page, server, sup.login)
    await page.goto('/supervisor/report')
    await page.getByLabel('From').fill('2026-10-05')
    await page.getByLabel('From').dispatchEvent('change')
    await page.getByLabel('To').fill('2026-10-05')
    await page.getByLabel('To').dispatchEvent('change')
    const row = page.getByTestId('workload-row').filter({ hasText: op3.name })
    await expect(row.locator('[data-status="available"]')).toHaveText('8:45')
    await expect(row.locator('[data-status="break"]')).toHaveText('0:45')
    await expect(row.locator('[data-status="off_work"]')).toHaveText('14:30')
    await expect(row.locator('td').last()).toHaveText('24:00')
    await expect(page.getByTestId('workload-chart').locator('canvas')).toHaveCount(1)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    const bytes = await readFile((await download.path()) as string)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const csv = bytes.toString('utf8').slice(1)
    const [header, ...lines] = csv.trimEnd().split('\r\n')
    expect(header).toBe('Employee,Available,Break,Do not disturb,Away,Off work,Total')
    expect(lines).toContain(`${op3.name},8.75,0.75,0,0,14.5,24`)
    await ctx.close()
  } finally {
    await own.dispose()
  }
})

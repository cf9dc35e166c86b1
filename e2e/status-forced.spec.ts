/**
 * Probe 11 finding 17, SPEC S3: a status a supervisor forced stays said on the operator's screen —
 * who and at what time — after the toast is gone (a reload here stands for "later"), until the
 * operator changes it himself.
 */
import type { Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { chooseStatus } from './helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

async function force(page: Page, server: FrontlineServer, login: string, status: string) {
  const sup = server.accounts.find((a) => a.role === 'supervisor')!
  const auth = await page.request.post(`${server.baseURL}/api/auth/login`, {
    data: { login: sup.login, password: server.password },
  })
  const token = ((await auth.json()) as { token: string }).token
  const list = await page.request.get(`${server.baseURL}/api/supervisor/operators`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const ops = ((await list.json()) as { operators: { id: string; name: string }[] }).operators
  const target = server.accounts.find((a) => a.login === login)!
  const id = ops.find((o) => o.name === target.name)!.id
  const res = await page.request.put(`${server.baseURL}/api/supervisor/operators/${id}/status`, {
    headers: { authorization: `Bearer ${token}` },
    data: { status },
  })
  expect(res.ok()).toBe(true)
  return sup.name
}

test('S3 a forced status stays shown with who set it', async ({ browser, server }) => {
  test.setTimeout(120_000)
  for (const [login, locale, re] of [
    ['op1@demo', 'en', { note: /Status Do not disturb set by (.+) at \d\d:\d\d/, change: 'Change' }],
    [
      'op2@demo',
      'ru',
      { note: /Статус «Не беспокоить» задан руководителем: (.+), в \d\d:\d\d/, change: 'Изменить' },
    ],
  ] as const) {
    const op = await phone360(browser, server, login, locale)
    await chooseStatus(op.page, /(Available|Доступен)/)
    const note = op.page.getByTestId('status-forced-note')
    await expect(note).toBeHidden()
    const by = await force(op.page, server, login, 'dnd')
    await expect(note).toContainText(by)
    await expect(note).toHaveText(re.note)
    // Later (the toast long gone): a reload still says who set it and when.
    await op.page.reload()
    await expect(note).toHaveText(re.note)
    await expect(note).toContainText(by)
    await op.page.screenshot({ path: `${SHOTS}/17-forced-note-${locale}.png` })
    // The picker says it too; choosing a status myself ends it.
    await note.getByRole('button', { name: re.change }).click()
    const picker = op.page.getByRole('dialog', { name: /choose status|выберите статус/i })
    await expect(picker.getByTestId('status-forced-by')).toContainText(by)
    await op.page.screenshot({ path: `${SHOTS}/17-forced-picker-${locale}.png` })
    await picker.getByRole('radio', { name: /^(Available|Доступен)$/ }).click()
    await expect(note).toBeHidden()
    await op.page.reload()
    await expect(op.page.getByRole('button', { name: /^(status|статус):/i })).toBeVisible()
    await expect(note).toBeHidden()
    await op.context.close()
  }
})

test('A3 the header shows the phone line as a phone icon, the status as the only dot', async ({
  browser,
  server,
}) => {
  for (const lang of ['en', 'ru'] as const) {
    const op = await phone360(browser, server, 'op3@demo', lang)
    const ind = op.page.locator('.topbar .line-ind')
    await expect(ind.locator('svg')).toBeVisible()
    expect(await ind.locator('.line-dot').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(
      'rgba(0, 0, 0, 0)',
    )
    await op.page.screenshot({
      path: `${SHOTS}/22-header-${lang}.png`,
      clip: { x: 0, y: 0, width: 360, height: 60 },
    })
    await op.context.close()
  }
})

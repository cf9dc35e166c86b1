/**
 * Issue 13: the admin area (employees, seats, the audit log), the tenant CLI and the manifest file.
 * Tests that create accounts make them fresh (seats are the worker's demo plan); the seat-limit test
 * has a server of its own.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { APIRequestContext, Page } from '@playwright/test'
import { DEFAULT_STATUS_MATRIX } from '../contract/status.ts'
import { expect, login, ownServer, test } from './fixtures.ts'
import { finishWalkthrough, operatorPhone, signIn } from './helpers.ts'

const run = promisify(execFile)

// Two devices, a server of its own, the CLI in a child process: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 120_000 })

/** An admin's token through the API (for set-up steps the test is not about). */
async function adminToken(request: APIRequestContext, baseURL: string, password: string): Promise<string> {
  const r = await request.post(`${baseURL}/api/auth/login`, { data: { login: 'admin@demo', password } })
  return ((await r.json()) as { token: string }).token
}

/** Creates an employee through the admin screen; returns the one-time password shown. */
async function createInUi(page: Page, name: string, localPart: string, loginName: string): Promise<string> {
  await page.getByRole('button', { name: /add employee|добавить сотрудника/i }).click()
  const form = page.getByRole('form', { name: /new employee|новый сотрудник/i })
  await form.getByLabel(/^name$|^имя$/i).fill(name)
  // Probe 10 #7: the admin types the part before @; the screen shows the company's @slug after it.
  await expect(form.getByText(`@${loginName.split('@')[1]}`)).toBeVisible()
  await form.getByLabel(/^login$|^логин$/i).fill(localPart)
  // The extension is offered already.
  await expect(form.getByLabel(/internal number|внутренний номер/i)).toHaveValue(/^\d{3}$/)
  await form.getByRole('button', { name: /^create$|^создать$/i }).click()
  const box = page.getByRole('status').filter({ hasText: name })
  await expect(box.getByTestId('issued-login')).toHaveText(loginName)
  return (await box.getByTestId('issued-password').textContent()) ?? ''
}

test('A1 the admin creates an operator and issues a password → the operator signs in on another device with it', async ({
  page,
  server,
  browser,
}) => {
  await page.goto('/')
  await signIn(page, server, 'admin@demo')
  // The admin reaches the area from Account (operators have no such entry).
  await page.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
  await page.getByTestId('admin-link').click()
  await page.getByRole('link', { name: /employees|сотрудники/i }).click()
  await expect(page.getByTestId('seats')).toBeVisible()
  const password = await createInUi(page, 'Мария Новая', 'maria.new', 'maria.new@demo')
  expect(password).toMatch(/^[A-Za-z0-9]{12}$/)

  // Another device: a fresh context signs in with the issued login and password.
  const other = await browser.newContext({ baseURL: server.baseURL })
  const phone = await other.newPage()
  await phone.goto('/')
  await login(phone, 'maria.new@demo', password)
  await finishWalkthrough(phone)
  await phone.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
  await expect(phone.locator('.profile').getByText('Мария Новая')).toBeVisible()
  await expect(phone.getByTestId('admin-link')).toHaveCount(0)
  // The admin area is not there for an operator: the route falls back to Calls.
  await phone.goto('/admin/employees')
  await expect(phone).toHaveURL(/\/calls$/)
  await other.close()

  // The audit log records it: the admin as actor, the new employee's fields as "after".
  await page.goto('/admin/audit')
  const entry = page
    .getByTestId('audit-list')
    .getByRole('listitem')
    .filter({ hasText: /Added an employee|Добавил\(а\) сотрудника/ })
    .first()
  await expect(entry).toContainText('Ольга Сергеевна Белова')
  await expect(entry).toContainText(/(Name|Имя): Мария Новая/)
  // Read as people do: no ids, no JSON.
  await expect(entry).not.toContainText(/tenantId|"|\{/)
  await expect(page.getByTestId('audit-list')).not.toContainText(password)
})

test('A1 a deactivated operator is signed out live and cannot sign in', async ({
  page,
  server,
  browser,
  request,
}) => {
  const token = await adminToken(request, server.baseURL, server.password)
  const made = await request.post(`${server.baseURL}/api/admin/employees`, {
    headers: { authorization: `Bearer ${token}` },
    data: { name: 'Сергей Уходящий', login: 'leaving@demo', role: 'operator' },
  })
  expect(made.status()).toBe(201)
  const { password } = (await made.json()) as { password: string }
  const op = await browser.newContext({ baseURL: server.baseURL })
  const opPage = await op.newPage()
  await opPage.goto('/')
  await login(opPage, 'leaving@demo', password)
  await finishWalkthrough(opPage)

  await page.goto('/')
  await signIn(page, server, 'admin@demo')
  await page.goto('/admin/employees')
  const row = page.getByRole('button', { name: /^Сергей Уходящий .*leaving@demo/ })
  await row.click()
  await page.getByRole('button', { name: /deactivate сергей|отключить: сергей/i }).click()
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /^deactivate$|^отключить$/i })
    .click()
  await expect(row).toContainText(/deactivated|доступ отключён/)

  // Live: his open app is signed out without a reload, and the password no longer works.
  // He is told the truth: the admin switched the account off (not "session ended", not "wrong password").
  const deactivated = /deactivated by the administrator|отключена администратором/i
  await expect(opPage.getByRole('alert')).toHaveText(deactivated)
  await login(opPage, 'leaving@demo', password)
  await expect(opPage.getByRole('alert')).toHaveText(deactivated)
  await op.close()

  // The audit log has it with before and after.
  await page.goto('/admin/audit')
  const entry = page
    .getByTestId('audit-list')
    .getByRole('listitem')
    .filter({ hasText: /Deactivated an employee|Отключил\(а\) сотрудника/ })
    .first()
  await expect(entry).toContainText('Сергей Уходящий')
  await expect(entry).toContainText(/Active: Yes → No|Активен: Да → Нет/)
})

test('A1 the seat limit refuses one more account', async ({ browser, request }) => {
  const own = await ownServer()
  try {
    const s = own.server
    const token = await adminToken(request, s.baseURL, s.password)
    // The demo plan has 10 seats and 8 accounts: two more fill it.
    for (const n of [1, 2]) {
      const r = await request.post(`${s.baseURL}/api/admin/employees`, {
        headers: { authorization: `Bearer ${token}` },
        data: { name: `Место ${n}`, login: `seat${n}@demo`, role: 'operator' },
      })
      expect(r.status()).toBe(201)
    }
    const { page } = await operatorPhone(browser, s, 'admin@demo')
    await page.goto('/admin/employees')
    await expect(page.getByTestId('seats')).toHaveText(/10 .*10/)
    await page.getByRole('button', { name: /add employee|добавить сотрудника/i }).click()
    const form = page.getByRole('form', { name: /new employee|новый сотрудник/i })
    await form.getByLabel(/^name$|^имя$/i).fill('Одиннадцатый')
    await form.getByLabel(/^login$|^логин$/i).fill('eleven@demo')
    await form.getByRole('button', { name: /^create$|^создать$/i }).click()
    await expect(
      page.getByText(/all seats of your plan are in use|все места по тарифу заняты/i),
    ).toBeVisible()
    await expect(page.getByTestId('seats')).toHaveText(/10 .*10/)
  } finally {
    await own.dispose()
  }
})

test('the tenant CLI creates a company whose admin signs in', async ({ page, server }) => {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/tenant-cli.ts',
      'create',
      '--name',
      'ООО Ромашка',
      '--slug',
      'romashka',
      '--seats',
      '5',
      '--admin-login',
      'boss@romashka',
      '--admin-name',
      'Начальник Ромашки',
    ],
    {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' },
    },
  )
  expect(stdout).toContain('romashka.frontline.local')
  const password = /admin password: (\S+)/.exec(stdout)?.[1] ?? ''
  expect(password).toMatch(/^[A-Za-z0-9]{12}$/)
  const list = await run(process.execPath, ['--import', 'tsx', 'server/tenant-cli.ts', 'list'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, DATA_DIR: server.dataDir },
  })
  expect(list.stdout).toMatch(/romashka\s+active/)

  await page.goto('/')
  await login(page, 'boss@romashka', password)
  await finishWalkthrough(page)
  await page.goto('/admin')
  await expect(page.getByRole('heading', { name: /administration|администрирование/i })).toBeVisible()
  await page.getByRole('link', { name: /employees|сотрудники/i }).click()
  await expect(page.getByRole('button', { name: /^Начальник Ромашки boss@romashka/ })).toBeVisible()
  await expect(page.getByTestId('seats')).toHaveText(/1 .*5/)
})

test('the manifest is the file at the top level with shortcuts', async ({ page, request, server }) => {
  await page.goto('/')
  expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest')
  const r = await request.get(`${server.baseURL}/manifest.webmanifest`)
  expect(r.ok()).toBe(true)
  const manifest = (await r.json()) as {
    shortcuts: { name: string; url: string }[]
    screenshots: { src: string; sizes: string; form_factor?: string }[]
  }
  // The same bytes as the file in the repository (nothing generated it).
  const { readFile } = await import('node:fs/promises')
  const file = JSON.parse(
    await readFile(path.resolve(import.meta.dirname, '..', 'manifest.webmanifest'), 'utf8'),
  )
  expect(manifest).toEqual(file)
  expect(manifest.shortcuts.map((s) => s.name)).toEqual(['New call', 'Requests'])
  for (const s of manifest.screenshots) {
    const img = await request.get(`${server.baseURL}${s.src}`)
    expect(img.headers()['content-type']).toBe('image/png')
    // The PNG's own size is what the manifest says (IHDR width and height).
    const b = await img.body()
    expect(`${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`).toBe(s.sizes)
  }
  expect(manifest.screenshots.some((s) => s.form_factor === 'wide')).toBe(true)
  // "New call" opens the keypad.
  await signIn(page, server, 'op2@demo')
  await page.goto('/calls?dial=1')
  await expect(page.getByRole('button', { name: /keypad|клавиатура/i })).toHaveAttribute(
    'aria-expanded',
    'true',
  )
})

test('A1 an operator changes his own password in Account: the current one is required, other sessions end on request', async ({
  page,
  server,
  browser,
  request,
}) => {
  const token = await adminToken(request, server.baseURL, server.password)
  const made = await request.post(`${server.baseURL}/api/admin/employees`, {
    headers: { authorization: `Bearer ${token}` },
    data: { name: 'Ольга Меняющая', login: 'changer@demo', role: 'operator' },
  })
  const { password } = (await made.json()) as { password: string }
  const other = await browser.newContext({ baseURL: server.baseURL })
  const otherPage = await other.newPage()
  await otherPage.goto('/')
  await login(otherPage, 'changer@demo', password)
  await finishWalkthrough(otherPage)

  await page.goto('/')
  await login(page, 'changer@demo', password)
  await finishWalkthrough(page)
  await page.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
  await page.getByRole('button', { name: /^change password$|^сменить пароль$/i }).click()
  const form = page.getByRole('form', { name: /^password$|^пароль$/i })
  await form.getByLabel(/current password|текущий пароль/i).fill('not-my-password')
  await form.getByLabel(/new password|новый пароль/i).fill('my-own-secret-1')
  await form.getByRole('button', { name: /^change password$|^сменить пароль$/i }).click()
  await expect(page.getByText(/current password is wrong|текущий пароль указан неверно/i)).toBeVisible()
  await form.getByLabel(/current password|текущий пароль/i).fill(password)
  await form.getByRole('switch', { name: /sign out my other sessions|завершить другие мои сеансы/i }).check()
  await form.getByRole('button', { name: /^change password$|^сменить пароль$/i }).click()
  await expect(
    page.getByText(/password changed; 1 other|пароль изменён; завершено других сеансов: 1/i),
  ).toBeVisible()
  // The other device is signed out live; this one stays; the new password signs in.
  await expect(otherPage.getByText(/session of ольга меняющая has ended|сеанс .*завершён/i)).toBeVisible()
  await login(otherPage, 'changer@demo', 'my-own-secret-1')
  await finishWalkthrough(otherPage)
  await other.close()
  await page.reload()
  await expect(page.getByRole('navigation', { name: /sections|разделы/i })).toBeVisible()
})

test('S2 statuses editor at 360 px: typing keeps focus, new names per language, delete confirms, warnings, field errors', async ({
  browser,
  server,
}) => {
  const admin = await operatorPhone(browser, server, 'admin@demo', {
    locale: 'en-US',
    viewport: { width: 360, height: 640 },
  })
  const page = admin.page
  try {
    await page.goto('/admin/statuses')
    const brk = page.getByRole('group', { name: 'Break' })
    // Type the Russian name, tap the English one, keep typing: both kept, the focus stays where tapped.
    await brk.getByLabel('Name in Russian').fill('Перерыв 2')
    await brk.getByLabel('Name in English').click()
    await page.keyboard.type(' X')
    await expect(page.getByLabel('Name in English').and(page.locator(':focus'))).toHaveValue('Break X')
    await expect(page.getByRole('group', { name: 'Break X' }).getByLabel('Name in Russian')).toHaveValue(
      'Перерыв 2',
    )
    // A new status: the Russian default in Russian, the English one in English.
    await page.getByRole('button', { name: 'Add status' }).click()
    const added = page.getByRole('group', { name: 'New status' })
    await expect(added.getByLabel('Name in Russian')).toHaveValue('Новый статус')
    await expect(added.getByLabel('Name in English')).toHaveValue('New status')
    // Delete asks first, naming the status; Cancel keeps it.
    await page.getByRole('button', { name: 'Delete status Available' }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Delete the status Available?' })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByRole('group', { name: 'Available' })).toBeVisible()
    await page.getByRole('button', { name: 'Delete status Available' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(page.getByRole('group', { name: 'Available' })).toHaveCount(0)
    // With Available gone no status takes calls to the app: the editor says so before saving
    // (the server accepts it — Away still rings mobiles).
    await expect(page.getByText('No status takes calls to the app')).toBeVisible()
    // An empty name is marked at its field; the buttons stay usable.
    await added.getByLabel('Name in English').fill('')
    // Its card is now named by the Russian name.
    const unnamed = page.getByRole('group', { name: 'Новый статус' })
    await page.getByRole('button', { name: 'Save statuses' }).click()
    await expect(unnamed.getByLabel('Name in English')).toHaveAttribute('aria-invalid', 'true')
    await expect(unnamed.getByText('Enter a name.')).toBeVisible()
    await expect(unnamed.getByLabel('Name in Russian')).not.toHaveAttribute('aria-invalid', 'true')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByRole('group', { name: 'Available' })).toBeVisible()
    await expect(page.getByText('No status takes calls to the app')).toHaveCount(0)
    // A good edit saves (the draft goes to the server as plain data) and the button settles.
    await page.getByRole('group', { name: 'Break' }).getByLabel('Name in English').fill('Short break')
    await page.getByRole('button', { name: 'Save statuses' }).click()
    await expect(page.getByRole('button', { name: 'Save statuses' })).toBeDisabled()
    await expect(page.getByRole('group', { name: 'Short break' })).toBeVisible()
  } finally {
    await page.request.put('/api/statuses', {
      data: { matrix: DEFAULT_STATUS_MATRIX },
      headers: { authorization: `Bearer ${await adminToken(page.request, server.baseURL, server.password)}` },
    })
    await admin.context.close()
  }
})

test('A1 an admin’s edit reaches the employee’s open app live: made an admin, his Account shows Administration without a reload', async ({
  browser,
  request,
}) => {
  // Its own server: the shared one's seats may be full by now (the plan counts accounts).
  const own = await ownServer()
  try {
    const server = own.server
    const token = await adminToken(request, server.baseURL, server.password)
    const made = await request.post(`${server.baseURL}/api/admin/employees`, {
      headers: { authorization: `Bearer ${token}` },
      data: { name: 'Ольга Растущая', login: 'rising@demo', role: 'operator' },
    })
    expect(made.status(), await made.text()).toBe(201)
    const { password, employee } = (await made.json()) as { password: string; employee: { id: string } }
    const op = await browser.newContext({ baseURL: server.baseURL })
    const opPage = await op.newPage()
    await opPage.goto('/')
    await login(opPage, 'rising@demo', password)
    await finishWalkthrough(opPage)
    await opPage.getByRole('link', { name: /^account$|^аккаунт$/i }).click()
    await expect(opPage.getByTestId('admin-link')).toHaveCount(0)
    const edit = await request.patch(`${server.baseURL}/api/admin/employees/${employee.id}`, {
      headers: { authorization: `Bearer ${token}` },
      data: { role: 'admin', name: 'Ольга Главная' },
    })
    expect(edit.status(), await edit.text()).toBe(200)
    // No reload: the event makes the app re-read its profile.
    await expect(opPage.getByTestId('admin-link')).toBeVisible({ timeout: 15_000 })
    await expect(opPage.getByText('Ольга Главная').first()).toBeVisible()
    await op.close()
  } finally {
    await own.dispose()
  }
})

/**
 * SPEC C3 (screens that fit) and A3 (accessibility), issue 11 items 6–7: every screen an operator and an
 * admin meet, at 360 px wide in Russian and English, measured from the layout — no horizontal overflow,
 * no clipped text, every control's hit area at least 44 × 44 px — and scanned by axe with 0 serious or
 * critical violations. The call screens are reached with a real call from a colleague (Kamailio).
 */
import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { finishWalkthrough } from './helpers.ts'
import { account, closeAll, everyoneOff, openPhone, type Phone, setStatuses } from './phone-helpers.ts'

test.use({ pbx: true, actionTimeout: 15_000 })
test.describe.configure({ timeout: 240_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

type Lang = 'en' | 'ru'
const WIDTH = 360
const MIN_TARGET = 44

/**
 * What does not fit on the page as it is now, measured in the page: overflow of the document, text cut
 * by its box (an element narrower than its content with overflow hidden, a placeholder wider than its
 * field) and controls smaller than 44 × 44. With a modal dialog open, only the dialog is measured.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = []
    const doc = document.documentElement
    if (doc.scrollWidth > doc.clientWidth + 1)
      out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`)
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) return false
      const s = getComputedStyle(el)
      return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) !== 0
    }
    const modals = [...document.querySelectorAll('[aria-modal="true"]')].filter(visible)
    const root = modals.at(-1) ?? document.body
    const name = (el: Element) => {
      const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ')
      return `<${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}> "${text.slice(0, 40)}"`
    }
    const vw = doc.clientWidth
    const canvas = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
    // Scrollers that move sideways on purpose (a strip of tabs): what is past the edge scrolls into view.
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX
        if (o === 'auto' || o === 'scroll') return true
      }
      return false
    }
    for (const el of root.querySelectorAll('*')) {
      if (!visible(el) || el.closest('.visually-hidden')) continue
      const r = el.getBoundingClientRect()
      const s = getComputedStyle(el)
      if (r.right > vw + 1 && s.position !== 'fixed' && !inScroller(el))
        out.push(`past the right edge by ${Math.round(r.right - vw)} px: ${name(el)}`)
      // Text cut by its own box. A fixed-height row of a long virtual list may end a secondary line
      // with an ellipsis (its height is what keeps a 10k-row list fast); nothing else may.
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim())
      const rowEllipsis = s.textOverflow === 'ellipsis' && el.closest('.vrow') !== null
      if (hasText && !rowEllipsis && s.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
        out.push(`text clipped (${el.scrollWidth} > ${el.clientWidth}): ${name(el)}`)
      if (
        hasText &&
        s.overflowY !== 'visible' &&
        s.overflowY !== 'auto' &&
        el.scrollHeight > el.clientHeight + 2
      )
        out.push(`text clipped vertically (${el.scrollHeight} > ${el.clientHeight}): ${name(el)}`)
      if (el instanceof HTMLInputElement && el.placeholder && !el.value) {
        const ps = getComputedStyle(el, '::placeholder')
        canvas.font = `${ps.fontStyle} ${ps.fontWeight} ${ps.fontSize} ${ps.fontFamily}`
        const w = canvas.measureText(el.placeholder).width
        const box = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
        if (w > box + 1)
          out.push(
            `placeholder clipped (${Math.round(w)} > ${Math.round(box)}): ${name(el)} "${el.placeholder}"`,
          )
      }
      // A phone number reads on one line (it once broke into five digit groups on the client card).
      if (el.matches('.num-btn')) {
        const range = document.createRange()
        range.selectNodeContents(el)
        const lines = new Set([...range.getClientRects()].map((q) => Math.round(q.bottom)))
        if (lines.size > 1) out.push(`number wraps over ${lines.size} lines: ${name(el)}`)
      }
      // Hit areas: a control's own box, or the label it sits in (checkboxes, radios).
      const control = el.matches(
        'button, a[href], select, input:not([type=hidden]), textarea, summary, [role=button], [role=tab], [role=link], [role=radio], [role=checkbox], [role=switch], [role=menuitem], [role=option]',
      )
      if (control && !(el as HTMLButtonElement).disabled) {
        const holder = el.closest('label')
        const box = holder && visible(holder) ? holder.getBoundingClientRect() : r
        const w = Math.max(box.width, r.width)
        const h = Math.max(box.height, r.height)
        // Links inside running text are exempt (WCAG 2.5.8 "inline").
        const inline = s.display === 'inline' && el.parentElement?.matches('p, li, span, td')
        if (!inline && (w < min - 0.5 || h < min - 0.5))
          out.push(`target ${Math.round(w)}×${Math.round(h)} < ${min}: ${name(el)}`)
      }
    }
    return out
  }, MIN_TARGET)
}

/** 0 serious/critical axe violations, summarised for the failure message. */
async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze()
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`,
      ),
    )
}

/** Signs in through the form in either language (the fixtures' helper reads English labels). */
async function signInAs(page: Page, loginName: string, password: string): Promise<void> {
  await page.locator('input[name=login]').fill(loginName)
  await page.locator('input[name=password]').fill(password)
  await page.locator('form button[type=submit]').click()
}

type Check = (page: Page) => Promise<string[]>

/** Runs `check` on a screen once it has settled; returns the problems prefixed by the screen's name. */
async function at(page: Page, screen: string, check: Check, found: string[]): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.evaluate(() => document.fonts.ready)
  if (process.env.FIT_TRACE) console.log(`measuring ${screen}`)
  for (const p of await check(page)) found.push(`${screen}: ${p}`)
}

const L = {
  en: {
    calls: 'Calls',
    requests: 'Requests',
    contacts: 'Contacts',
    account: 'Account',
    onsite: 'On site',
    employees: 'Employees',
    groups: 'Groups',
    clients: 'Clients',
    accept: 'Accept',
    hold: /^Pause$/,
    mute: 'Mute microphone',
    unmute: 'Unmute microphone',
    keypad: /^Keypad$/,
    transfer: /^Transfer$/,
    hangup: /^Hang up$/,
    minimize: /Minimi[sz]e/,
    close: /^Close$/,
    line: /Phone line: connected/,
  },
  ru: {
    calls: 'Звонки',
    requests: 'Обращения',
    contacts: 'Контакты',
    account: 'Аккаунт',
    onsite: 'На сайте',
    employees: 'Сотрудники',
    groups: 'Группы',
    clients: 'Клиенты',
    accept: 'Принять',
    hold: /^Пауза$/,
    mute: 'Выключить микрофон',
    unmute: 'Включить микрофон',
    keypad: /^Набор$/,
    transfer: /^Трансфер|Перевести/,
    hangup: /^Завершить$/,
    minimize: /Свернуть/,
    close: /^Закрыть$/,
    line: /Линия: подключена/,
  },
}

/** Goes through every operator screen of `lang` (a fresh phone, first run included), then the call screens. */
async function everyScreen(
  browser: Browser,
  server: FrontlineServer,
  request: Parameters<typeof setStatuses>[0],
  lang: Lang,
  check: Check,
  found: string[],
): Promise<void> {
  const l = L[lang]
  const me = 'op1@demo'
  // A site visitor's chat waiting in New, for the conversation screen.
  const session = await request.post(`${server.baseURL}/api/visitor/session`, {
    data: { tenant: 'demo', page: { url: `${server.baseURL}/site/`, referrer: null } },
  })
  const { token } = (await session.json()) as { token: string }
  const sent = await request.post(`${server.baseURL}/api/visitor/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      clientMsgId: randomUUID(),
      text: 'Здравствуйте! Hello, a long question about delivery',
      name: 'Посетитель',
    },
  })
  expect(sent.ok(), await sent.text()).toBe(true)
  await setStatuses(request, server, { [me]: 'available' })
  const context = await browser.newContext({
    baseURL: server.baseURL,
    permissions: ['microphone'],
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    viewport: { width: WIDTH, height: 740 },
  })
  const page = await context.newPage()
  const tag = (s: string) => `[${lang}] ${s}`
  await page.goto('/?debug')
  await expect(page.locator('form')).toBeVisible()
  await at(page, tag('sign-in'), check, found)
  await signInAs(page, me, server.password)
  await expect(page.locator('.walk, nav.tabbar, [role=navigation]').first()).toBeVisible()
  if (await page.locator('.walk').isVisible()) await at(page, tag('walkthrough'), check, found)
  await finishWalkthrough(page)
  // A tab's name may carry a count ("Requests, Unread: 1").
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: /^(Sections|Разделы)$/ })
      .getByRole('link', { name: new RegExp(`^${name}(\\s|,|$)`) })

  await nav(l.calls).click()
  await at(page, tag('calls tab'), check, found)
  // The header never overflows: offline, the line's long states.
  await context.setOffline(true)
  await expect(page.locator('.topbar .conn')).toBeVisible({ timeout: 15_000 })
  await at(page, tag('calls tab offline'), check, found)
  await context.setOffline(false)
  await expect(page.locator('.topbar .conn')).toBeHidden({ timeout: 15_000 })
  await nav(l.requests).click()
  await expect(page.locator('.content')).not.toBeEmpty()
  await at(page, tag('requests tab'), check, found)
  // A conversation: the first list (Mine, Queue, …) that has one.
  const chat = page.locator('.content a[href^="/requests/"]:not([href*="/leads/"])').first()
  const lists = page.locator('.requests-page .subtabs [role=tab]')
  for (let i = 0; i < (await lists.count()) && !(await chat.isVisible()); i++) {
    await lists.nth(i).click()
    await page.waitForLoadState('networkidle').catch(() => undefined)
  }
  await chat.click()
  await expect(page).toHaveURL(/\/requests\/[^/]+$/)
  await at(page, tag('chat'), check, found)
  await nav(l.requests).click()
  await nav(l.contacts).click()
  for (const sub of [l.employees, l.groups, l.clients]) {
    await page.getByRole('link', { name: sub, exact: true }).click()
    await at(page, tag(`contacts: ${sub}`), check, found)
  }
  const client = page.locator('.content a[href^="/contacts/clients/"]').first()
  await client.click()
  await expect(page).toHaveURL(/\/contacts\/clients\/[^/]+$/)
  await at(page, tag('client card'), check, found)
  await nav(l.onsite).click()
  await at(page, tag('on site tab'), check, found)
  await nav(l.account).click()
  await at(page, tag('account'), check, found)

  // The call screens: a colleague calls this operator's extension.
  await setStatuses(request, server, { [me]: 'available' })
  await nav(l.calls).click()
  await expect(page.getByRole('status', { name: l.line })).toBeVisible({ timeout: 15_000 })
  const colleague: Phone = await openPhone(browser, server, 'op2@demo')
  await colleague.page.getByRole('link', { name: 'Calls', exact: true }).click()
  await colleague.page.getByRole('textbox', { name: 'Number to call' }).fill(account(server, me).extension)
  await colleague.page.getByRole('button', { name: 'Call', exact: true }).click()
  const ring = page.locator('.call-screen[role=dialog]')
  await expect(ring.getByRole('button', { name: l.accept })).toBeVisible({ timeout: 15_000 })
  await at(page, tag('incoming call'), check, found)
  await ring.getByRole('button', { name: l.accept }).click()
  const call = page.locator('.call-screen.in-call')
  await expect(call.getByRole('button', { name: l.hangup })).toBeVisible()
  await expect(call.getByRole('button', { name: l.hold })).toBeEnabled()
  await at(page, tag('active call'), check, found)
  await call.getByRole('button', { name: l.keypad }).click()
  await expect(call.locator('.keypad')).toBeVisible()
  await at(page, tag('in-call keypad'), check, found)
  await call.getByRole('button', { name: l.keypad }).click()
  // Mute becomes Unmute and back.
  await call.getByRole('button', { name: l.mute }).click()
  await call.getByRole('button', { name: l.unmute }).click()
  await expect(call.getByRole('button', { name: l.mute })).toBeVisible()
  await call.getByRole('button', { name: l.hold }).click()
  await expect(call.getByRole('button', { name: l.hold })).toHaveAttribute('aria-pressed', 'true')
  // The timer stays on screen on pause.
  await expect(call.locator('.call-who [role=status]')).toHaveText(/\d:\d\d/)
  await at(page, tag('call on hold'), check, found)
  await call.getByRole('button', { name: l.hold }).click()
  await expect(call.getByRole('button', { name: l.hold })).toHaveAttribute('aria-pressed', 'false')
  await call.getByRole('button', { name: l.transfer }).click()
  await expect(page.locator('[role=dialog]').nth(1)).toBeVisible()
  await at(page, tag('transfer sheet'), check, found)
  // Desktop: the call screen and its sheet fit the app's column.
  await page.setViewportSize({ width: 1280, height: 800 })
  const column = await page.locator('.shell').boundingBox()
  for (const sel of ['.call-screen.in-call', '.sheet']) {
    const box = await page.locator(sel).first().boundingBox()
    expect(
      box && column && box.x >= column.x - 0.5 && box.x + box.width <= column.x + column.width + 0.5,
      `${sel} fits the app column on a desktop`,
    ).toBe(true)
  }
  await page.setViewportSize({ width: WIDTH, height: 740 })
  await page.keyboard.press('Escape')
  await call.getByRole('button', { name: l.minimize }).click()
  await expect(page.locator('.call-bar')).toBeVisible()
  // The bar sits above the header, never over it.
  const bar = await page.locator('.call-bar').boundingBox()
  const header = await page.locator('.topbar').boundingBox()
  expect(bar && header && bar.y + bar.height <= header.y + 0.5, 'the call bar covers the header').toBe(true)
  await at(page, tag('minimized call'), check, found)
  await page.locator('.call-bar').click()
  await call.getByRole('button', { name: l.hangup }).click()
  // The end screen says how long the call lasted.
  await expect(call.getByRole('button', { name: l.close })).toBeVisible()
  await expect(call.locator('.call-who [role=status]')).toHaveText(/\d:\d\d/)
  await at(page, tag('call ended'), check, found)
  await closeAll({ context }, colleague)
}

/** The admin's sections in `lang`. */
async function adminScreens(
  browser: Browser,
  server: FrontlineServer,
  lang: Lang,
  check: Check,
  found: string[],
): Promise<void> {
  const context = await browser.newContext({
    baseURL: server.baseURL,
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
    viewport: { width: WIDTH, height: 740 },
  })
  const page = await context.newPage()
  await page.goto('/')
  await signInAs(page, 'admin@demo', server.password)
  await finishWalkthrough(page)
  await page.goto('/admin')
  await expect(page.locator('.content a[href^="/admin/"]').first()).toBeVisible()
  await at(page, `[${lang}] admin`, check, found)
  const sections = await page
    .locator('.content a[href^="/admin/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  const sizes = new Set<string>()
  for (const href of sections) {
    await page.goto(href)
    await expect(page.locator('.content h1, .content h2').first()).toBeVisible()
    sizes.add(await page.locator('.content h1').evaluate((h) => getComputedStyle(h).fontSize))
    await at(page, `[${lang}] ${href}`, check, found)
    // The Groups and Numbers edit forms have a heading of their own.
    if (/groups|numbers/.test(href)) {
      await page.locator('.content .card .btn-small').first().click()
      const form = page.locator('form.admin-form')
      await expect(form.getByRole('heading')).toBeVisible()
      await at(page, `[${lang}] ${href} edit form`, check, found)
    }
  }
  // Every admin section's heading has the same size, whichever section the app loaded first.
  expect([...sizes]).toHaveLength(1)
  await context.close()
}

test('C3 every screen at 360 px in Russian and English: no overflow, no clipped text, 44 px targets', async ({
  browser,
  server,
  request,
}) => {
  const found: string[] = []
  for (const lang of ['ru', 'en'] as const) {
    await everyScreen(browser, server, request, lang, layoutProblems, found)
    await everyoneOff(request, server)
    await adminScreens(browser, server, lang, layoutProblems, found)
  }
  expect(found).toEqual([])
})

test('A3 axe: every screen in both languages has 0 serious violations', async ({
  browser,
  server,
  request,
}) => {
  const found: string[] = []
  for (const lang of ['ru', 'en'] as const) {
    await everyScreen(browser, server, request, lang, axeProblems, found)
    await everyoneOff(request, server)
    await adminScreens(browser, server, lang, axeProblems, found)
  }
  expect(found).toEqual([])
})

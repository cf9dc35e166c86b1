/**
 * SPEC T2 on a 360 px phone (probe 12 UI #4–6): the Requests rows show the client's words (the channel
 * is a named badge on the avatar, the pencil floats instead of taking a row), going offline does not
 * move the list, and the four tabs are all on screen in Russian.
 */
import { randomUUID } from 'node:crypto'
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import { setStatuses } from './phone-helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

const ME = 'op3@demo'
const TEXT = 'Здравствуйте! Подскажите, пожалуйста, сроки доставки заказа в Казань'

async function visitorChat(request: APIRequestContext, server: FrontlineServer, name: string) {
  const page = { url: `${server.baseURL}/site/`, referrer: null }
  const s = await request.post(`${server.baseURL}/api/visitor/session`, { data: { tenant: 'demo', page } })
  const { token } = (await s.json()) as { token: string }
  const res = await request.post(`${server.baseURL}/api/visitor/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: { clientMsgId: randomUUID(), text: TEXT, name },
  })
  expect(res.ok(), await res.text()).toBe(true)
}

/** How many characters of the client's message the row's second line shows (not cut by its box). */
async function previewChars(row: Locator): Promise<number> {
  return row.evaluate((a, text) => {
    const line = a.querySelectorAll<HTMLElement>('.row-main .row-sub')[0]
    if (!line) return 0
    const right = line.getBoundingClientRect().right
    const whole = line.textContent ?? ''
    const start = whole.indexOf(text.slice(0, 12))
    if (start < 0) return 0
    // Characters whose box ends inside the line, less room for the ellipsis when the text is cut.
    const cut = line.scrollWidth > line.clientWidth + 1
    const limit = cut ? right - 12 : right + 1
    let shown = 0
    let offset = 0
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.textContent ?? ''
      for (let i = 0; i < s.length; i++, offset++) {
        if (offset < start) continue
        const r = document.createRange()
        r.setStart(n, i)
        r.setEnd(n, i + 1)
        if (r.getBoundingClientRect().right <= limit) shown++
      }
    }
    return shown
  }, TEXT)
}

const firstRowTop = (page: Page) =>
  page
    .locator('.requests-page .vrow .chat-row')
    .first()
    .evaluate((e) => Math.round(e.getBoundingClientRect().top))

test.beforeEach(async ({ request, server }) => {
  await visitorChat(request, server, `Покупатель ${randomUUID().slice(0, 4)}`)
  await setStatuses(request, server, { [ME]: 'available' })
})
test.afterEach(async ({ request, server }) => setStatuses(request, server, { [ME]: 'off_work' }))

for (const lang of ['ru', 'en'] as const) {
  test(`T2 a Requests row at 360 px shows the client's words, the channel as a named badge, no pencil row (${lang})`, async ({
    browser,
    server,
  }) => {
    test.setTimeout(90_000)
    const op = await phone360(browser, server, ME, lang)
    const { page } = op
    await page
      .getByRole('link', { name: lang === 'ru' ? 'Обращения' : 'Requests', exact: false })
      .first()
      .click()
    const row = page
      .locator('.requests-page .vrow .chat-row')
      .filter({ hasText: TEXT.slice(0, 20) })
      .first()
    await expect(row).toBeVisible({ timeout: 15_000 })
    await page.screenshot({ path: `${SHOTS}/t2-requests-${lang}.png` })
    // At least half a sentence of what the client wrote (it was five letters: "Здрав…").
    expect(await previewChars(row)).toBeGreaterThanOrEqual(24)
    // The link is named by what it shows, in reading order: who, then the channel, then the words.
    await expect(row).toHaveAccessibleName(
      lang === 'ru'
        ? /^Открыть чат с Покупатель .*Чат на сайте.*Здравствуйте/
        : /^Open chat with Покупатель .*Website chat.*Здравствуйте/,
    )
    // The channel is still told, as a badge with a name.
    await expect(
      row.getByRole('img', { name: lang === 'ru' ? 'Чат на сайте' : 'Website chat' }),
    ).toBeVisible()
    // The pencil does not push the list down: the list starts right under the tabs.
    const tabs = await page.locator('.requests-page .subtabs').boundingBox()
    const list = await page.locator('.requests-page .vlist').boundingBox()
    expect(tabs && list).toBeTruthy()
    expect((list?.y ?? 0) - ((tabs?.y ?? 0) + (tabs?.height ?? 0))).toBeLessThanOrEqual(16)
    const pencil = page.getByRole('button', { name: lang === 'ru' ? 'Написать первым' : 'Write first' })
    await expect(pencil).toBeVisible()
    await op.context.close()
  })
}

test('T2 going offline and back does not move the Requests list at 360 px', async ({ browser, server }) => {
  test.setTimeout(90_000)
  const op = await phone360(browser, server, ME, 'ru')
  const { page } = op
  await page.getByRole('link', { name: 'Обращения' }).first().click()
  await expect(page.locator('.requests-page .vrow .chat-row').first()).toBeVisible({ timeout: 15_000 })
  const online = await firstRowTop(page)
  await op.context.setOffline(true)
  const note = page.locator('.requests-page [role=status]').filter({ hasText: 'Нет сети' })
  await expect(note).toBeVisible({ timeout: 15_000 })
  await page.screenshot({ path: `${SHOTS}/t2-requests-offline-ru.png` })
  expect(await firstRowTop(page)).toBe(online)
  // The note does not cover the pencil.
  const n = await note.boundingBox()
  const p = await page.locator('.requests-page .wf-open').boundingBox()
  expect(n && p && p.y + p.height <= n.y).toBeTruthy()
  await op.context.setOffline(false)
  await expect(note).toBeHidden({ timeout: 15_000 })
  expect(await firstRowTop(page)).toBe(online)
  await op.context.close()
})

test('T2 the four Requests tabs are on screen at 360 px in Russian', async ({ browser, server }) => {
  test.setTimeout(90_000)
  const op = await phone360(browser, server, ME, 'ru')
  const { page } = op
  await page.getByRole('link', { name: 'Обращения' }).first().click()
  await expect(page.locator('.requests-page .vrow .chat-row').first()).toBeVisible({ timeout: 15_000 })
  const tabs = page.locator('.requests-page .subtabs [role=tab]')
  await expect(tabs).toHaveCount(4)
  await expect(tabs.first()).toContainText(/Новые\s+\d/)
  const strip = await page.locator('.requests-page .subtabs').boundingBox()
  for (let i = 0; i < 4; i++) {
    const b = await tabs.nth(i).boundingBox()
    expect(b && strip && b.x >= strip.x - 1 && b.x + b.width <= strip.x + strip.width + 1, `tab ${i}`).toBe(
      true,
    )
  }
  await op.context.close()
})

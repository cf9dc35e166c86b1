/**
 * Probe 11 finding 11 (C8, C9): history and Missed rows at 360 px in both languages — the number
 * whole on its own line, "given by visitor" as a tag under it, the line called by its name ("via
 * Sales"), never its digits, and nothing of the number or the duration cut off.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { SALES_VN } from './phone-helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

/** Texts in the list rows that are cut (ellipsis or overflow) — the number, the title, the duration. */
async function clipped(page: Page, rows: string): Promise<string[]> {
  return page
    .locator(rows)
    .evaluateAll((els) =>
      els.flatMap((row) =>
        [
          ...row.querySelectorAll<HTMLElement>(
            '.row-title, .num-btn, .call-duration, .missed-given, .call-sub-text',
          ),
        ]
          .filter(
            (e) =>
              e.scrollWidth > e.clientWidth + 1 ||
              e.getBoundingClientRect().right > row.getBoundingClientRect().right + 1,
          )
          .map((e) => `${e.className}: ${e.textContent}`),
      ),
    )
}

test('C9 history and missed rows at 360 px show the whole number and the line by name', async ({
  browser,
  request,
  server,
}) => {
  test.setTimeout(120_000)
  const run = String(Date.now()).slice(-4)
  const phone = `+7916555${run}`
  const r = await request.post(`${server.baseURL}/api/site/callback`, {
    data: { tenant: 'demo', phone, number: SALES_VN },
  })
  expect(r.status(), await r.text()).toBe(201)
  // The row shows the number grouped ("+7 916 555 04 54").
  const mine = new RegExp(`555.${run.slice(0, 2)}.${run.slice(2)}`)
  for (const lang of ['en', 'ru'] as const) {
    const op = await phone360(browser, server, 'op1@demo', lang)
    const l =
      lang === 'en'
        ? { calls: 'Calls', missed: /^Missed/, all: 'All calls', via: 'via Sales', tag: 'given by visitor' }
        : {
            calls: 'Звонки',
            missed: /^Пропущенные/,
            all: 'Все звонки',
            via: 'на Sales',
            tag: 'со слов посетителя',
          }
    await op.page.getByRole('link', { name: l.calls, exact: true }).click()
    await op.page.getByRole('tab', { name: l.missed }).click()
    const row = op.page.locator('.missed-row').filter({ hasText: mine })
    await expect(row).toBeVisible({ timeout: 10_000 })
    await expect(row).toContainText(l.via)
    await expect(row).not.toContainText('+7 495')
    await expect(row).not.toContainText('+7495')
    await expect(row).toContainText(l.tag)
    expect(await clipped(op.page, '.missed-row')).toEqual([])
    await op.page.screenshot({ path: `${SHOTS}/11-missed-${lang}.png` })

    await op.page.getByRole('tab', { name: l.all }).click()
    const hist = op.page.locator('.vrow .call-row').filter({ hasText: mine }).first()
    await expect(hist).toBeVisible({ timeout: 10_000 })
    await expect(hist).toContainText(l.via)
    await expect(hist).toContainText(l.tag)
    expect(await clipped(op.page, '.vrow .call-row')).toEqual([])
    await op.page.screenshot({ path: `${SHOTS}/11-history-${lang}.png` })
    await op.context.close()
  }
})

test('C9 a long caller name wraps whole, the repeat count is in words on the status line, and the line called with its tag is never cut (360 px)', async ({
  browser,
  request,
  server,
}) => {
  test.setTimeout(120_000)
  const run = String(Date.now()).slice(-4)
  const phone = `+7916777${run}`
  const name = `Константин Константинопольский-Щедрин ${run}`
  for (let i = 0; i < 2; i++) {
    const r = await request.post(`${server.baseURL}/api/site/callback`, {
      data: { tenant: 'demo', phone, number: SALES_VN, name },
    })
    expect(r.status(), await r.text()).toBe(201)
  }
  const mine = new RegExp(`777.${run.slice(0, 2)}.${run.slice(2)}`)
  for (const lang of ['ru', 'en'] as const) {
    const op = await phone360(browser, server, 'op1@demo', lang)
    const l =
      lang === 'en'
        ? { calls: 'Calls', missed: /^Missed/, all: 'All calls', times: '2 times', tag: 'given by visitor' }
        : {
            calls: 'Звонки',
            missed: /^Пропущенные/,
            all: 'Все звонки',
            times: '2 раза',
            tag: 'со слов посетителя',
          }
    await op.page.getByRole('link', { name: l.calls, exact: true }).click()
    // Probe 12 UI #17: the three sections' labels each on one line ("Пропущенные 3" broke in two).
    const tabs = op.page.locator('.calls-page .subtabs [role=tab]')
    await expect(tabs).toHaveCount(3)
    expect(
      await tabs.evaluateAll((els) =>
        els.map((el) => {
          const range = document.createRange()
          range.selectNodeContents(el)
          return new Set([...range.getClientRects()].map((q) => Math.round(q.bottom))).size
        }),
      ),
    ).toEqual([1, 1, 1])
    await op.page.getByRole('tab', { name: l.missed }).click()
    const row = op.page.locator('.missed-row').filter({ hasText: mine })
    await expect(row).toBeVisible({ timeout: 10_000 })
    await op.page.screenshot({ path: `${SHOTS}/12-missed-long-${lang}.png` })
    // The whole name is on screen (it may take two lines), left of the call button.
    const given = row.locator('.missed-given')
    await expect(given).toHaveText(name)
    const g = await given.evaluate((e) => {
      const r = e.getBoundingClientRect()
      const btn = e.closest('.missed-row')?.querySelector('.call-back')?.getBoundingClientRect()
      return { cut: e.scrollWidth > e.clientWidth + 1, right: r.right, button: btn?.left ?? 0 }
    })
    expect(g.cut).toBe(false)
    expect(g.right).toBeLessThanOrEqual(g.button)
    // "2 раза" on the status line, whole and not under the call button.
    const count = row.locator('.missed-count')
    await expect(count).toHaveText(l.times)
    const c = await count.evaluate((e) => {
      const r = e.getBoundingClientRect()
      const btn = e.closest('.missed-row')?.querySelector('.call-back')?.getBoundingClientRect()
      const hit =
        btn && !(r.right <= btn.left || r.left >= btn.right || r.bottom <= btn.top || r.top >= btn.bottom)
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
      return { underButton: !!hit, onTop: top === e || e.contains(top) }
    })
    expect(c).toEqual({ underButton: false, onTop: true })

    // History: "на Sales · со слов посетителя" whole (it ended "со слов пос…").
    await op.page.getByRole('tab', { name: l.all }).click()
    const hist = op.page.locator('.vrow .call-row').filter({ hasText: mine }).first()
    await expect(hist).toBeVisible({ timeout: 10_000 })
    const tag = hist.locator('.given-tag')
    await expect(tag).toHaveText(l.tag)
    const cut = await tag.evaluate((e) => {
      const line = e.closest('.row-sub') as HTMLElement
      return (
        line.scrollWidth > line.clientWidth + 1 ||
        e.getBoundingClientRect().right > line.getBoundingClientRect().right + 1
      )
    })
    expect(cut).toBe(false)
    // Its line starts where the row's other lines do (no stray indent).
    const lefts = await hist.evaluate((r) =>
      [...r.querySelectorAll('.row-main > *')].map((e) => Math.round(e.getBoundingClientRect().left)),
    )
    expect(new Set(lefts).size).toBe(1)
    expect(await clipped(op.page, '.vrow .call-row')).toEqual([])
    await op.page.screenshot({ path: `${SHOTS}/12-history-long-${lang}.png` })
    await op.context.close()
  }
})

test('K1 the client list and the client card show numbers formatted, never raw E.164 (360 px)', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  const op = await phone360(browser, server, 'op1@demo', 'ru')
  const { page } = op
  await page.getByRole('link', { name: 'Контакты', exact: true }).click()
  await page.getByRole('link', { name: 'Клиенты', exact: true }).click()
  const petrov = page.locator('.vrow a[href^="/contacts/clients/"]').filter({ hasText: 'Александр Петров' })
  await expect(petrov).toContainText('+7 916 400 00 00')
  await expect(page.locator('.vlist')).not.toContainText(/\+7\d{10}/)
  await petrov.click()
  const chips = page.locator('.chip')
  await expect(chips.filter({ hasText: 'SMS' })).toContainText('+7 916 400 00 00')
  await expect(page.locator('.content')).not.toContainText(/\+7\d{10}/)
  await page.screenshot({ path: `${SHOTS}/12-card-ru.png`, fullPage: true })
  await op.context.close()
})

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

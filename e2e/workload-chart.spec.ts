/**
 * Probe 11 finding 26 (S4): the workload chart speaks the app's language — a legend of status names
 * only (no "Time: --", no values), hours as "ч" in Russian, days as "23.11" — and the period is said
 * in words whatever the browser's own date fields show.
 */
import { expect, test } from './fixtures.ts'
import { phone360, SHOTS } from './phone360.ts'

test('S4 the workload chart and period are in the app’s language, without live values', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  const sup = server.accounts.find((a) => a.role === 'supervisor')!
  for (const lang of ['ru', 'en'] as const) {
    const { context, page } = await phone360(browser, server, sup.login, lang)
    await page.goto('/supervisor/report')
    const chart = page.getByTestId('workload-chart')
    await expect(chart.locator('canvas')).toHaveCount(1)
    const legend = chart.locator('.u-legend')
    await expect(legend).toContainText(lang === 'ru' ? 'Доступен' : 'Available')
    await expect(legend).not.toContainText('--')
    // One entry per status (uPlot's x entry, "Time: --", is gone with the live values).
    await expect(legend.locator('.u-series')).toHaveCount(5)
    await expect(legend).toContainText(lang === 'ru' ? 'Не работаю' : 'Off work')
    // The legend's entries: status names only (the axes are drawn on the canvas, not read here).
    const labels = await chart.evaluate((el) =>
      [...el.querySelectorAll('.u-legend .u-series')].map((s) => (s.textContent ?? '').trim()),
    )
    expect(labels.join('|')).not.toMatch(/Time|Время|\d/)
    await expect(page.getByTestId('period-words')).toHaveText(
      lang === 'ru'
        ? /^\d{1,2} [а-я]{3,4}\.? \d{4} г\. – \d{1,2} [а-я]{3,4}\.? \d{4} г\.$/
        : /^\d{1,2} [A-Z][a-z]{2} \d{4} – \d{1,2} [A-Z][a-z]{2} \d{4}$/,
    )
    await page.screenshot({ path: `${SHOTS}/26-report-${lang}.png` })
    await chart.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/26-chart-${lang}.png` })
    await context.close()
  }
})

/**
 * Probe 11 findings 23 and 13 (small ones): the Calls tabs each fit one line at 360 px in Russian
 * (short words shown, the whole name read out), and the supervisor's screens are named in the header.
 */
import { expect, test } from './fixtures.ts'
import { phone360, SHOTS } from './phone360.ts'

test('C8 the calls tabs fit one line at 360 px; S3 the supervisor screens are named in the header', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  const sup = server.accounts.find((a) => a.role === 'supervisor')!
  for (const lang of ['ru', 'en'] as const) {
    const { context, page } = await phone360(browser, server, sup.login, lang)
    await page.goto('/calls')
    const tabs = page.getByRole('tab')
    await expect(tabs).toHaveCount(3)
    await expect(tabs.nth(1)).toHaveAccessibleName(lang === 'ru' ? 'Все звонки' : 'All calls')
    for (const tab of await tabs.all()) {
      // One line: the label's text boxes all start at one height (a wrapped label has two).
      const lines = await tab.evaluate((el) => {
        const r = document.createRange()
        r.selectNodeContents(el)
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size
      })
      expect(lines, (await tab.textContent()) ?? '').toBeLessThanOrEqual(1)
    }
    await page.screenshot({
      path: `${SHOTS}/23-calls-tabs-${lang}.png`,
      clip: { x: 0, y: 0, width: 360, height: 260 },
    })
    await page.goto('/supervisor')
    await expect(page.locator('.topbar-title')).toHaveText(lang === 'ru' ? 'Операторы' : 'Operators')
    await page.goto('/supervisor/report')
    await expect(page.locator('.topbar-title')).toHaveText(
      lang === 'ru' ? 'Отчёт о нагрузке' : 'Workload report',
    )
    await context.close()
  }
})

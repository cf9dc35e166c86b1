/**
 * Probe 12 UI #11 (S3): the supervisor's "Operators" at 360 px was a 781 px table — the status select
 * cut, time in status, calls and chats off-screen, "Frontline" in the header. On a phone it is one
 * card per employee, every figure on screen, the header named after the screen.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from './fixtures.ts'
import { phone360, SHOTS } from './phone360.ts'

test('S3 at 360 px the operators are one card per employee, every figure on screen', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000)
  const sup = server.accounts.find((a) => a.role === 'supervisor')!
  for (const lang of ['ru', 'en'] as const) {
    const { context, page } = await phone360(browser, server, sup.login, lang)
    await page.goto('/supervisor')
    const title = lang === 'ru' ? 'Операторы' : 'Operators'
    await expect(page.locator('.topbar-title')).toHaveText(title)
    const cards = page.getByTestId('operator-row')
    await expect(cards.first()).toBeVisible()
    expect(await page.locator('table').count()).toBe(0)
    expect(await cards.count()).toBeGreaterThanOrEqual(6)
    // Every part of every card is inside the screen: no sideways scroll, nothing cut.
    const problems = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth
      const out: string[] = []
      if (document.documentElement.scrollWidth > vw + 1) out.push('page scrolls sideways')
      for (const el of document.querySelectorAll('[data-testid=operator-row] *')) {
        const r = el.getBoundingClientRect()
        if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) out.push(`past the edge: ${el.tagName}`)
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
          out.push(`clipped: ${el.tagName} ${(el.textContent ?? '').slice(0, 30)}`)
      }
      return out
    })
    expect(problems).toEqual([])
    const first = cards.first()
    const select = first.getByRole('combobox')
    const box = await select.boundingBox()
    expect(box && box.height >= 44 && box.width >= 200).toBe(true)
    // The select shows the whole status name (it was cut to "Не работ…").
    expect(await select.evaluate((s) => s.scrollWidth <= s.clientWidth + 1)).toBe(true)
    for (const id of ['in-status', 'calls-today', 'chats-today'])
      await expect(first.getByTestId(id)).toBeVisible()
    await expect(first.getByTestId('in-status')).toHaveText(/^\d+:\d\d$/)
    await page.screenshot({ path: `${SHOTS}/p12-11-operators-${lang}.png` })
    // A3 on the cards: no serious or critical axe violation.
    const r = await new AxeBuilder({ page }).analyze()
    expect(
      r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`)),
    ).toEqual([])
    // The workload report (probe 12 UI #10, checked again): its chart in the app's language.
    await page.goto('/supervisor/report')
    await expect(page.locator('.topbar-title')).toHaveText(
      lang === 'ru' ? 'Отчёт о нагрузке' : 'Workload report',
    )
    const chart = page.getByTestId('workload-chart')
    await expect(chart.locator('canvas')).toHaveCount(1)
    await chart.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/p12-10-chart-${lang}.png` })
    // A desktop keeps the table.
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto('/supervisor')
    await expect(page.locator('table[data-testid=operators]')).toBeVisible()
    await context.close()
  }
})

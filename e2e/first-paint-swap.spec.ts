/**
 * Probe 11 finding 1 (issue 11 item 8): on a first visit with a slow network the static shell stays
 * until the live sign-in card is there — never a blank page between them. Proved by the DOM's own
 * record (a MutationObserver noting each state the page went through), not by the clock.
 */
import { expect, test } from './fixtures.ts'

test('A6 first paint: the static sign-in card stays until the live one is there — no blank page between', async ({
  page,
  server,
}) => {
  void server
  // The screen's chunk comes late (the entry itself on time): the moment the probe saw blank.
  await page.route(/\/assets\/LoginPage-[^/]*\.js$/, async (r) => {
    await new Promise((ok) => setTimeout(ok, 1500))
    await r.continue()
  })
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __states: string[] }).__states = seen
    const note = () => {
      const root = document.getElementById('root')
      if (!root) return
      const shell = root.querySelector('.boot') !== null
      const live = [...root.querySelectorAll('.login-card')].some((c) => !c.closest('.boot'))
      const state = shell && live ? 'both' : shell ? 'shell' : live ? 'live' : 'blank'
      if (seen.at(-1) !== state) seen.push(state)
    }
    new MutationObserver(note).observe(document, { childList: true, subtree: true })
  })
  await page.goto('/login')
  await expect(page.getByRole('textbox', { name: 'Login' })).toBeEnabled()
  await expect(page.locator('.boot')).toHaveCount(0)
  const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states)
  expect(states).not.toContain('blank')
  expect(states.at(-1)).toBe('live')
})

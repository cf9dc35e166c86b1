/**
 * Issue 11 item 8 (first paint on a phone): index.html paints the first screen by itself — the sign-in
 * card on /login, the app frame elsewhere, in the app's language — and the app bundle is asked for
 * only after that paint (public/boot.js), then replaces the shell with the live screen.
 */
import { expect, test } from './fixtures.ts'

test('A6 first paint: with the app bundle held back, /login shows the sign-in card and /calls the frame, in Russian too; the app then takes over', async ({
  page,
  server,
}) => {
  void server
  // The bundle never arrives: whatever shows is index.html's own.
  await page.route('**/assets/*.js', (r) => r.abort())
  await page.goto('/login')
  await expect(page.getByText('Sign in to Frontline')).toBeVisible()
  await expect(page.getByText('Вход в Frontline')).toBeHidden()
  await expect(page.locator('.boot .topbar')).toBeHidden()
  await page.evaluate(() => localStorage.setItem('frontline.lang', 'ru'))
  await page.goto('/calls')
  // innerText: what shows (the shell holds both languages' words, one of them hidden).
  await expect(page.locator('.boot .topbar')).toBeVisible()
  // biome-ignore lint/performance/useDomNodeTextContent: the shown words, not every language's
  expect(await page.locator('.boot .topbar').innerText()).toBe('Звонки')
  // biome-ignore lint/performance/useDomNodeTextContent: the shown words, not every language's
  expect((await page.locator('.boot .tabbar').innerText()).replace(/\s+/g, ' ').trim()).toBe(
    'Звонки Обращения Контакты На сайте Аккаунт',
  )
  await expect(page.getByText('Вход в Frontline')).toBeHidden()
  // The entry script is not in the page until the shell has painted: boot.js adds it.
  const html = await (await page.request.get('/login')).text()
  expect(html).not.toMatch(/<script type="module"/)
  expect(html).not.toMatch(/rel="modulepreload"/)

  await page.unroute('**/assets/*.js')
  await page.evaluate(() => localStorage.setItem('frontline.lang', 'en'))
  await page.goto('/login')
  await expect(page.getByRole('textbox', { name: 'Login' })).toBeEnabled()
  await expect(page.locator('.boot')).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'Sign in to Frontline' })).toHaveCount(1)
})

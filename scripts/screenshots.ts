/**
 * Takes the manifest's screenshots (issue 13 item 4) of the real app: a fresh server on a throw-away
 * data directory with the demo seed, the built PWA (`npm run build` first), Chromium at a phone's size
 * (390×844, `form_factor: narrow`) and a desktop's (1280×800, `wide`), signed in as the demo operator.
 * Writes public/screenshots/*.png; `npm run screenshots` (then `npm run build` to ship them).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, launchServer, ROOT, stopServer } from './harness.ts'

const PASSWORD = 'screenshots-demo-1'
const OUT = path.join(ROOT, 'public', 'screenshots')

async function signIn(page: Page): Promise<void> {
  await page.goto('/')
  await page.getByLabel(/login|логин/i).fill('op1@demo')
  await page.getByLabel(/password|пароль/i).fill(PASSWORD)
  await page.getByRole('button', { name: /sign in|войти/i }).click()
  const tabs = page.getByRole('navigation', { name: /sections|разделы/i })
  const step = page.getByRole('button', { name: /^(skip|done|finish|пропустить|готово|завершить)$/i })
  for (let i = 0; i < 12 && !(await tabs.isVisible()); i++) {
    await step
      .first()
      .click({ timeout: 2000 })
      .catch(() => {})
  }
  await tabs.waitFor()
}

/** Two website visitors write in (real chats in New), and op1 goes Available so he sees them. */
async function seedRequests(base: string): Promise<void> {
  const post = async (url: string, body: unknown, token?: string) => {
    const r = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    })
    if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`)
    return (await r.json()) as { token: string }
  }
  const visitors = [
    { name: 'Ирина', text: 'Здравствуйте! Можно оформить доставку на завтра?' },
    { name: 'Максим', text: 'Подскажите, есть ли этот диван в сером цвете?' },
  ]
  for (const v of visitors) {
    const { token } = await post('/api/visitor/session', {
      tenant: 'demo',
      page: { url: 'https://shop.example/catalog' },
    })
    await post(
      '/api/visitor/messages',
      { clientMsgId: crypto.randomUUID(), text: v.text, name: v.name },
      token,
    )
  }
  const { token } = await post('/api/auth/login', { login: 'op1@demo', password: PASSWORD })
  const r = await fetch(`${base}/api/me/status`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ status: 'available' }),
  })
  if (!r.ok) throw new Error(`status: ${r.status}`)
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-shots-'))
  const port = await freePort()
  const server = await launchServer({
    port,
    dataDir,
    // With the PBX, so the app's line registers: a listing shot shows it connected.
    pbx: true,
    sipWsPort: await freePort(),
    password: PASSWORD,
    timeoutMs: 240_000,
  })
  await seedRequests(`http://127.0.0.1:${port}`)
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    await mkdir(OUT, { recursive: true })
    const shots: { file: string; width: number; height: number; path: string }[] = [
      { file: 'calls-narrow.png', width: 390, height: 844, path: '/calls' },
      { file: 'requests-narrow.png', width: 390, height: 844, path: '/requests' },
      { file: 'contacts-wide.png', width: 1280, height: 800, path: '/contacts/employees' },
    ]
    for (const s of shots) {
      const context = await browser.newContext({
        baseURL: `http://127.0.0.1:${port}`,
        viewport: { width: s.width, height: s.height },
        // English, as the manifest's names and labels (`lang: "en"`).
        locale: 'en-US',
        serviceWorkers: 'block',
      })
      const page = await context.newPage()
      await signIn(page)
      await page.goto(s.path)
      await page.getByRole('navigation', { name: /sections|разделы/i }).waitFor()
      await page.waitForLoadState('networkidle')
      // Once the realtime link is live the header drops its "reconnecting" mark: a listing shot must
      // not advertise a connection problem, so no shot is taken until it has.
      await page.locator('.conn').waitFor({ state: 'hidden', timeout: 60_000 })
      await page.locator('.line-ind.line-ok').waitFor({ timeout: 60_000 })
      // Nothing clipped: the section tabs fit (no ellipsis) before the shot.
      // (Runs in the page; the tools project has no DOM types, so the elements are typed by hand.)
      type El = {
        offsetParent: unknown
        scrollWidth: number
        clientWidth: number
        textContent: string | null
      }
      const clipped = await page.$$eval('nav a, [role="tab"]', (els) =>
        (els as unknown as El[])
          .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
          .map((el) => (el.textContent ?? '').trim())
          .filter(Boolean),
      )
      if (clipped.length > 0) console.warn(`${s.file}: clipped: ${clipped.join(' | ')}`)
      await page.screenshot({ path: path.join(OUT, s.file) })
      console.log(`${s.file}: ${s.width}×${s.height}`)
      await context.close()
    }
  } finally {
    await browser.close()
    await stopServer(server.child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

void main()

/**
 * Probe 12 UI findings on the call screens at 360 px (Pixel 7 emulation): #9 a number a site visitor
 * typed is tagged as his word and whom the company book knows by it is a "maybe" (a link to the card
 * during the call), on the incoming screen, the call screen and the call's details; #14 Insider among
 * the in-call controls, the audio output behind a speaker only when there is a choice; #3 the call
 * details stacked, the session id folded "for support".
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, type FrontlineServer, test } from './fixtures.ts'
import {
  accept,
  closeAll,
  everyoneOff,
  expectLine,
  hangUp,
  history,
  inCall,
  incoming,
  openPhone,
  setStatuses,
  siteCustomer,
} from './phone-helpers.ts'
import { phone360, SHOTS } from './phone360.ts'

test.use({ pbx: true })
test.describe.configure({ timeout: 150_000 })
test.beforeEach(async ({ request, server }) => everyoneOff(request, server))

/** The demo company book's first client (server/domain/tenants/demo-data.ts). */
const PETROV = { name: 'Александр Петров', typed: '+7 916 400-00-00', e164: '+79164000000' }

const WORDS = {
  ru: {
    incoming: /^Входящий звонок/,
    inCall: /^Разговор:/,
    accept: 'Принять',
    hangup: 'Завершить',
    line: 'Линия: подключена',
    given: 'со слов посетителя',
    maybe: 'возможно:',
    insider: 'Инсайдер',
    insiderSheet: 'Инсайдер: кто звонит с сайта',
    close: 'Закрыть',
    speaker: 'Звук',
    support: 'Для поддержки',
    session: 'Идентификатор сессии звонка',
  },
  en: {
    incoming: /^Incoming call/,
    inCall: /^Call with/,
    accept: 'Accept',
    hangup: 'Hang up',
    line: 'Phone line: connected',
    given: 'given by visitor',
    maybe: 'maybe:',
    insider: 'Insider',
    insiderSheet: 'Insider: who calls from the site',
    close: 'Close',
    speaker: 'Sound',
    support: 'For support',
    session: 'Call session ID',
  },
} as const

/** op1 on a 360 px phone in `lang`, Available, his line registered. */
async function operator360(
  browser: Parameters<typeof phone360>[0],
  request: Parameters<typeof setStatuses>[0],
  server: FrontlineServer,
  lang: 'ru' | 'en',
) {
  const op = await phone360(browser, server, 'op1@demo', lang, { permissions: ['microphone'] })
  await setStatuses(request, server, { 'op1@demo': 'available' })
  await expect(op.page.getByRole('status', { name: WORDS[lang].line })).toBeVisible({ timeout: 15_000 })
  return op
}

/** A3: no serious or critical axe violation on the screen as it is now. */
async function axe(page: Page): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze()
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([])
}

/** Nothing of the page runs past a 360 px screen's right edge, and these controls are 44 px targets. */
async function fits(page: Page, controls: ReturnType<Page['locator']>[]): Promise<void> {
  expect(
    await page.evaluate(() => {
      const vw = document.documentElement.clientWidth
      return [...document.querySelectorAll('body *')]
        .filter((e) => {
          const r = e.getBoundingClientRect()
          return r.width > 0 && r.right > vw + 1 && getComputedStyle(e).position !== 'fixed'
        })
        .map((e) => `${e.tagName}.${e.className}: ${(e.textContent ?? '').slice(0, 40)}`)
    }),
  ).toEqual([])
  for (const c of controls) {
    const box = await c.boundingBox()
    expect(box && box.width >= 44 && box.height >= 43.5, `${await c.textContent()} is a 44 px target`).toBe(
      true,
    )
  }
}

test('C1 a site caller’s typed number of a known client is named as a maybe and tagged on the call screens', async ({
  browser,
  request,
  server,
}) => {
  const w = WORDS.ru
  const op = await operator360(browser, request, server, 'ru')
  const customer = await siteCustomer(browser, server, PETROV.typed)
  try {
    await customer.call('Sales')
    const ring = op.page.getByRole('dialog', { name: w.incoming })
    await expect(ring).toBeVisible({ timeout: 15_000 })
    // The number is the title (the visitor's word), tagged as history tags it; Petrov is a "maybe".
    await expect(ring.locator('#incoming-name')).toHaveText(/^\+7 916 400/)
    await expect(ring.getByTestId('call-given')).toHaveText(w.given)
    await expect(ring.getByTestId('call-maybe')).toHaveText(`${w.maybe} ${PETROV.name}`)
    await expect(ring.locator('.call-avatar svg')).toHaveCount(1)
    await fits(op.page, [])
    await axe(op.page)
    await op.page.screenshot({ path: `${SHOTS}/p12-9-incoming-ru.png` })

    await ring.getByRole('button', { name: w.accept }).click()
    const call = op.page.getByRole('dialog', { name: w.inCall })
    await expect(call.getByRole('button', { name: w.hangup })).toBeVisible({ timeout: 15_000 })
    await expect(call.locator('.call-name')).toHaveText(/^\+7 916 400/)
    await expect(call.getByTestId('call-given')).toHaveText(w.given)
    const card = call.getByTestId('call-maybe').getByRole('link', { name: PETROV.name })
    await expect(card).toBeVisible()
    await fits(op.page, [card])
    await axe(op.page)
    await op.page.screenshot({ path: `${SHOTS}/p12-9-incall-ru.png` })

    // The link opens his card with the call folded to its bar on top.
    await card.click()
    await expect(op.page).toHaveURL(/\/contacts\/clients\/[^/]+$/)
    await expect(call).toBeHidden()
    await expect(op.page.locator('.call-bar')).toContainText(/\+7\s916\s400/)
    await expect(op.page.locator('.content')).toContainText(PETROV.name)
    await op.page.screenshot({ path: `${SHOTS}/p12-9-card-ru.png` })
    await op.page.locator('.call-bar').click()
    await call.getByRole('button', { name: w.hangup }).click()

    // The call's details say the same: the number tagged, Petrov a "maybe" with his card.
    let id = ''
    await expect
      .poll(async () => {
        id = String((await history(request, server, 'op1@demo', '79164000000'))[0]?.id ?? '')
        return id
      })
      .not.toBe('')
    await op.page.getByRole('button', { name: 'Закрыть' }).click()
    await op.page.goto(`/calls/${id}`)
    const maybe = op.page.getByTestId('call-maybe')
    await expect(maybe.getByRole('link', { name: PETROV.name })).toBeVisible()
    await expect(op.page.locator('.facts').first()).toContainText(w.given)
    await expect(op.page.locator('.card-title')).toHaveText(/^\+7 916 400/)
  } finally {
    // The operator ended the call (the site's Hang up is gone): closing the pages ends anything left.
    await closeAll(customer, op)
  }
})

/** The Contact Picker API as Chrome on Android exposes it (as e2e/phone-contacts.spec.ts gives it). */
function contactPicker() {
  Object.defineProperty(navigator, 'contacts', {
    configurable: true,
    value: {
      getProperties: async () => ['name', 'email', 'tel'],
      select: async () => [{ name: ['Мама Телефон'], tel: ['8 (916) 000-55-88'], email: [] }],
    },
  })
}

test('C1 the phone book’s name for a site caller’s typed number is a maybe too, not the caller', async ({
  browser,
  server,
}) => {
  const op = await openPhone(browser, server, 'op1@demo')
  const customer = await siteCustomer(browser, server, '8 916 000 55 88')
  try {
    await op.context.addInitScript(contactPicker)
    await op.page.goto('/?debug')
    await expectLine(op.page)
    await op.page.getByRole('link', { name: 'Account' }).click()
    await op.page.getByRole('button', { name: 'Pick contacts from this phone' }).click()
    await expect(
      op.page.getByRole('switch', { name: "Prefer names from the phone's contact book" }),
    ).toBeChecked()
    await customer.call('Sales')
    const ring = incoming(op.page)
    await expect(ring.getByTestId('call-given')).toHaveText('given by visitor', { timeout: 15_000 })
    await expect(ring.locator('#incoming-name')).toHaveText(/^\+7 916 000/)
    await expect(ring.getByTestId('call-maybe')).toHaveText('maybe: Мама Телефон')
    await accept(op.page)
    // No card to open: the phone book's name is said, not linked.
    const maybe = inCall(op.page).getByTestId('call-maybe')
    await expect(maybe).toHaveText('maybe: Мама Телефон')
    await expect(maybe.getByRole('link')).toHaveCount(0)
    await hangUp(op.page)
  } finally {
    await closeAll(customer, op)
  }
})

test('I1 the Insider is reachable during the call', async ({ browser, request, server }) => {
  const w = WORDS.en
  const op = await operator360(browser, request, server, 'en')
  const customer = await siteCustomer(browser, server)
  try {
    await customer.page.goto('/site/?section=delivery&utm_source=yandex')
    await expect(customer.page.getByText('Ready to call.')).toBeVisible({ timeout: 10_000 })
    await customer.page.getByLabel(/your phone number/i).fill('+79165550177')
    await customer.call('Sales')
    const ring = op.page.getByRole('dialog', { name: w.incoming })
    await expect(ring.getByTestId('insider')).toBeVisible({ timeout: 15_000 })
    await ring.getByRole('button', { name: w.accept }).click()
    const call = op.page.getByRole('dialog', { name: w.inCall })
    await expect(call.getByRole('button', { name: w.hangup })).toBeVisible({ timeout: 15_000 })

    // Insider is one of the call's controls and opens the same panel over the call.
    const control = call.getByRole('button', { name: w.insider, exact: true })
    await expect(control).toBeVisible()
    await fits(op.page, [control])
    await op.page.screenshot({ path: `${SHOTS}/p12-14-incall-en.png` })
    await control.click()
    const sheet = op.page.getByRole('dialog', { name: w.insiderSheet })
    await expect(sheet.getByTestId('insider-page')).toContainText('section=delivery')
    await expect(sheet.getByTestId('insider-utm-source')).toHaveText('yandex')
    await axe(op.page)
    await op.page.screenshot({ path: `${SHOTS}/p12-14-insider-en.png` })
    await sheet.getByRole('button', { name: w.close }).click()
    await expect(sheet).toBeHidden()
    await expect(call.getByRole('button', { name: w.hangup })).toBeVisible()

    // The output choice: a speaker control only when the device has more than one real output (Chrome's
    // "default"/"communications" entries are aliases), and no full-width select until it is asked for.
    const real = await op.page.evaluate(
      async () =>
        (await navigator.mediaDevices.enumerateDevices()).filter(
          (d) =>
            d.kind === 'audiooutput' && d.deviceId && !['default', 'communications'].includes(d.deviceId),
        ).length,
    )
    await expect(call.getByRole('button', { name: w.speaker, exact: true })).toHaveCount(real > 1 ? 1 : 0)
    await expect(call.getByTestId('output-field')).toHaveCount(0)
  } finally {
    await customer.hangUp().catch(() => {})
    await closeAll(customer, op)
  }
})

test('C8 call details at 360 px: labels above values, the number on one line, the session id folded for support', async ({
  browser,
  request,
  server,
}) => {
  const w = WORDS.ru
  const op = await operator360(browser, request, server, 'ru')
  const customer = await siteCustomer(browser, server, '+7 916 555-01-41')
  try {
    await customer.call('Sales')
    await expect(op.page.getByRole('dialog', { name: w.incoming })).toBeVisible({ timeout: 15_000 })
    await customer.hangUp()
    let id = ''
    await expect
      .poll(async () => {
        id = String((await history(request, server, 'op1@demo', '79165550141'))[0]?.id ?? '')
        return id
      })
      .not.toBe('')
    await op.page.goto(`/calls/${id}`)
    const facts = op.page.locator('.facts').first()
    await expect(facts).toContainText(w.given)
    // The line by its name, not its digits.
    await expect(facts).toContainText('Sales')
    await expect(facts).not.toContainText('+7 495')
    // Why it failed, in words of the screen's language (it said "487 Cancelled by the caller").
    await expect(facts).toContainText('Звонивший положил трубку')
    await expect(facts).not.toContainText('Cancelled')
    // Labels above values: each value starts at its label's left edge, below it.
    const dt = await facts.locator('dt').first().boundingBox()
    const dd = await facts.locator('dd').first().boundingBox()
    expect(dt && dd && dd.y >= dt.y + dt.height - 1 && Math.abs(dd.x - dt.x) < 2).toBe(true)
    // The number on one line in the header and in the facts.
    for (const n of [op.page.locator('.card-title .nowrap'), facts.locator('.nowrap')]) {
      const lines = await n.evaluate((el) => {
        const r = document.createRange()
        r.selectNodeContents(el)
        return new Set([...r.getClientRects()].map((q) => Math.round(q.bottom))).size
      })
      expect(lines).toBe(1)
    }
    // The session id is not on the operator's screen until "for support" is opened.
    await expect(op.page.getByText(w.session)).toBeHidden()
    const fold = op.page.getByTestId('support-fold')
    await fits(op.page, [fold.locator('summary')])
    await op.page.screenshot({ path: `${SHOTS}/p12-3-details-ru.png`, fullPage: true })
    await fold.locator('summary').click()
    await expect(op.page.getByText(w.session)).toBeVisible()
    await axe(op.page)
    await expect(fold.locator('code')).toHaveText(/\S{6,}/)
  } finally {
    await closeAll(customer, op)
  }
})

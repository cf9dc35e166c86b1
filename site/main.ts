/**
 * The demo site's "Call us" button (issue 3 §6): a guest SIP.js line from /api/site/call-credentials
 * that may dial only the tenant's virtual numbers. Call states:
 *
 *   idle → connecting → ringing → talking → ended
 *              └──────────┴──────────┴────→ failed (reason from the SIP final response)
 *
 * A REFER from the operator (blind or attended transfer, C5/C6) is followed: the new session replaces
 * the current one and the page keeps showing one call.
 */
import { Inviter, type Referral, type Session, SessionState, UserAgent, type Web } from 'sip.js'
import type { SiteCallCredentials, SiteNumbers } from '../contract/calls.ts'
import { failureKey, setupCallback } from './callback.ts'
import { setupLeadForm } from './lead.ts'

type CallState = 'idle' | 'connecting' | 'ringing' | 'talking' | 'ended' | 'failed'

const MEDIA = { constraints: { audio: true, video: false } }
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const lines = el<HTMLFieldSetElement>('lines')
const callBtn = el<HTMLButtonElement>('call')
const hangupBtn = el<HTMLButtonElement>('hangup')
const stateText = el<HTMLParagraphElement>('state')
const phoneInput = el<HTMLInputElement>('phone')
// A live call has no captions to offer, so the player stays out of the document (no controls to show).
const audio = new Audio()
audio.autoplay = true

// ——— Language: English by default, Russian when the browser prefers it; the RU/EN switch remembers. ———
type Lang = 'en' | 'ru'
const TEXT = {
  en: {
    title: 'Demo Company — Frontline demo site',
    headline: 'Office furniture delivered tomorrow',
    lead: 'Desks, chairs and storage for teams of any size. Talk to a person, right from this page.',
    callTitle: 'Call us',
    hint: 'The call goes from your browser to our operators. Allow the microphone when asked.',
    who: 'Who would you like to talk to?',
    loading: 'Loading our numbers…',
    phone: 'Your phone number (optional, so we can call you back)',
    call: 'Call',
    hangup: 'Hang up',
    why: 'Why us',
    why1: 'Same-day quotes from our sales team',
    why2: 'Support that answers, not a ticket queue',
    why3: 'Assembly included',
    footer1: 'A demo site of',
    footer2: "Calls made here reach the demo tenant's operators.",
    notConnected: 'Not connected.',
    idle: 'Ready to call.',
    connecting: 'Connecting…',
    ringing: 'Ringing…',
    talking: 'Connected — you are talking to an operator.',
    ended: 'Call ended.',
    failed: 'The call did not go through',
    transferring: 'transferring',
    unavailable: 'Calls are unavailable',
    leadTitle: 'Leave a request',
    leadHint: 'Leave your contacts and we will call or write back.',
    leadName: 'Name',
    leadPhone: 'Phone',
    leadEmail: 'E-mail',
    leadComment: 'Comment (optional)',
    leadSend: 'Leave request',
    leadSending: 'Sending…',
    leadSent: 'Thank you! We will contact you soon.',
    leadNeedContact: 'Give a phone number or an e-mail.',
    leadFailed: 'The request was not sent. Try again.',
    nobody: 'Sorry, nobody can answer right now.',
    lineOff: 'This line does not take calls now.',
    cbTitle: 'Leave your number and we will call you back',
    cbPhone: 'Number to call you back on',
    cbName: 'Your name (optional)',
    cbSend: 'Call me back',
    cbSent: 'Thank you! We will call you back soon.',
    cbNeedPhone: 'Give your phone number.',
    cbBadNumber: 'This is not a valid phone number. Check it and try again.',
    cbTooMany: 'Too many requests from here. Try again later.',
    cbFailed: 'The request was not sent. Try again.',
  },
  ru: {
    title: 'Demo Company — демо-сайт Frontline',
    headline: 'Офисная мебель с доставкой завтра',
    lead: 'Столы, кресла и системы хранения для команд любого размера. Поговорите с человеком прямо с этой страницы.',
    callTitle: 'Позвоните нам',
    hint: 'Звонок идёт из вашего браузера нашим операторам. Разрешите доступ к микрофону, когда браузер спросит.',
    who: 'С кем вы хотите поговорить?',
    loading: 'Загружаем наши номера…',
    phone: 'Ваш номер телефона (необязательно — чтобы мы могли перезвонить)',
    call: 'Позвонить',
    hangup: 'Завершить',
    why: 'Почему мы',
    why1: 'Расчёт стоимости в день обращения',
    why2: 'Поддержка, которая отвечает, а не очередь заявок',
    why3: 'Сборка включена',
    footer1: 'Демо-сайт',
    footer2: 'Звонки отсюда попадают к операторам демо-компании.',
    notConnected: 'Не подключено.',
    idle: 'Можно звонить.',
    connecting: 'Соединяем…',
    ringing: 'Идёт вызов…',
    talking: 'Соединено — вы говорите с оператором.',
    ended: 'Звонок завершён.',
    failed: 'Звонок не состоялся',
    transferring: 'переводим',
    unavailable: 'Звонки недоступны',
    leadTitle: 'Оставить заявку',
    leadHint: 'Оставьте контакты — мы перезвоним или напишем.',
    leadName: 'Имя',
    leadPhone: 'Телефон',
    leadEmail: 'E-mail',
    leadComment: 'Комментарий (необязательно)',
    leadSend: 'Оставить заявку',
    leadSending: 'Отправляем…',
    leadSent: 'Спасибо! Мы скоро свяжемся с вами.',
    leadNeedContact: 'Укажите телефон или e-mail.',
    leadFailed: 'Заявка не отправлена. Попробуйте ещё раз.',
    nobody: 'К сожалению, сейчас никто не может ответить.',
    lineOff: 'Эта линия сейчас не принимает звонки.',
    cbTitle: 'Оставьте номер — мы перезвоним',
    cbPhone: 'Номер, на который перезвонить',
    cbName: 'Ваше имя (необязательно)',
    cbSend: 'Перезвоните мне',
    cbSent: 'Спасибо! Мы скоро перезвоним.',
    cbNeedPhone: 'Укажите номер телефона.',
    cbBadNumber: 'Это не похоже на номер телефона. Проверьте и попробуйте ещё раз.',
    cbTooMany: 'Слишком много запросов отсюда. Попробуйте позже.',
    cbFailed: 'Запрос не отправлен. Попробуйте ещё раз.',
  },
} satisfies Record<Lang, Record<string, string>>
type Key = keyof (typeof TEXT)['en']
const LANG_KEY = 'frontline.site.lang'

function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY)
  if (saved === 'en' || saved === 'ru') return saved
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('ru'))
    ? 'ru'
    : 'en'
}
let lang: Lang = initialLang()
const tr = (k: Key) => TEXT[lang][k]

/** What the status line says now, so a language switch can re-render it. */
let status: { key: Key; detail: string } = { key: 'notConnected', detail: '' }

function renderStatus(): void {
  const { key, detail } = status
  stateText.textContent = detail ? `${tr(key)}: ${detail}` : tr(key)
}

function applyLang(l: Lang): void {
  lang = l
  document.documentElement.lang = l
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    node.textContent = tr(node.dataset.i18n as Key)
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]'))
    b.setAttribute('aria-pressed', String(b.dataset.lang === l))
  renderStatus()
}

document.addEventListener('site:retranslate', () => applyLang(lang))
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]'))
  b.addEventListener('click', () => {
    const l = b.dataset.lang === 'ru' ? 'ru' : 'en'
    localStorage.setItem(LANG_KEY, l)
    applyLang(l)
  })
applyLang(lang)
// T11: the lead form sends through its own module; its texts follow the language switch (data-i18n).
setupLeadForm({ tenant: tenantSlug, visitorToken })
// Issue 11 §5: nobody answered — words instead of a SIP code, and a call-back offer.
const callback = setupCallback({
  tenant: tenantSlug,
  visitorToken,
  number: () => (lines.querySelector('input[name=line]:checked') as HTMLInputElement | null)?.value ?? '',
  phone: () => phoneInput.value.trim(),
  line: () => (creds ? { line: { username: creds.sip.username, password: creds.sip.password } } : {}),
})

let creds: SiteCallCredentials | null = null
let ua: UserAgent | null = null
let session: Session | null = null
let current: CallState = 'idle'

function show(state: CallState, detail = ''): void {
  current = state
  status = { key: state, detail }
  renderStatus()
  const active = state === 'connecting' || state === 'ringing' || state === 'talking'
  callBtn.hidden = active
  hangupBtn.hidden = !active
  callBtn.disabled = !numbersShown
  if (!active) hangupBtn.blur()
}

/** The tenant is the `?tenant=` query parameter, `demo` by default. */
function tenantSlug(): string {
  const t = new URLSearchParams(location.search).get('tenant') ?? 'demo'
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(t) ? t : 'demo'
}

/** The chat widget's visitor token, when it has one: the call is then noted as the same visitor's. */
function visitorToken(): { visitorToken?: string } {
  try {
    const token = (
      JSON.parse(localStorage.getItem(`frontline.widget.${tenantSlug()}`) ?? '{}') as { token?: unknown }
    ).token
    return typeof token === 'string' ? { visitorToken: token } : {}
  } catch {
    return {}
  }
}

/** POSTs JSON to our API; a refusal becomes an Error with the server's own words. */
async function post<T>(url: string, body: object): Promise<T> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!r.ok) {
    const err = (await r.json().catch(() => null)) as { error?: { message?: string } } | null
    throw new Error(err?.error?.message ?? `HTTP ${r.status}`)
  }
  return (await r.json()) as T
}

let numbersShown = false
/** The numbers a visitor may dial, on load: no line is issued until he presses Call. */
async function loadNumbers(): Promise<void> {
  const site = await post<SiteNumbers>('/api/site/numbers', { tenant: tenantSlug() })
  lines.replaceChildren(lines.querySelector('legend') as HTMLElement)
  site.numbers.forEach((n, i) => {
    const label = document.createElement('label')
    const input = document.createElement('input')
    input.type = 'radio'
    input.name = 'line'
    input.value = n.number
    input.checked = i === 0
    const text = document.createElement('span')
    text.textContent = `${n.label} (${n.number})`
    label.append(input, text)
    lines.append(label)
  })
  lines.disabled = site.numbers.length === 0
  document.querySelector('.brand')!.textContent = site.tenantName
  numbersShown = site.numbers.length > 0
  show('idle')
}

/** The visitor token the current line was issued with. */
let credsToken: string | undefined
/** A guest line of his own (issue 6 §4: limited per address), issued as the visitor calls. */
async function loadLine(): Promise<void> {
  const token = visitorToken()
  creds = await post<SiteCallCredentials>('/api/site/call-credentials', { tenant: tenantSlug(), ...token })
  credsToken = token.visitorToken
}

function remoteAudio(s: Session): void {
  const pc = (s.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection
  if (!pc) return
  const stream = new MediaStream()
  for (const r of pc.getReceivers()) if (r.track) stream.addTrack(r.track)
  audio.srcObject = stream
  void audio.play().catch(() => {})
}

function follow(s: Session): void {
  session = s
  s.delegate = {
    // C5/C6: the operator hands us over; the new leg carries Referred-By (and Replaces) for the PBX.
    onRefer: (referral: Referral) => {
      void referral.accept().then(() => {
        const next = referral.makeInviter({ sessionDescriptionHandlerOptions: MEDIA })
        follow(next)
        show('connecting', tr('transferring'))
        void next.invite()
      })
    },
  }
  s.stateChange.addListener((st) => {
    if (session !== s) return
    if (st === SessionState.Established) {
      remoteAudio(s)
      show('talking')
    } else if (st === SessionState.Terminated) {
      if (current === 'talking') show('ended')
      session = null
    }
  })
}

async function call(): Promise<void> {
  const number = (lines.querySelector('input[name=line]:checked') as HTMLInputElement | null)?.value
  if (!number) return
  callback.hide()
  show('connecting')
  try {
    // A line lives minutes: one about to end is replaced. The tracking snippet (or the widget) may
    // have made the visitor's token after the line was issued: a line issued for him links the call
    // to his visits (Insider on the operator's incoming screen).
    const expiring = creds !== null && Date.parse(creds.sip.expiresAt) - Date.now() < 60_000
    if (ua && expiring) {
      const old = ua
      ua = null
      void old.stop().catch(() => {})
    }
    if (!ua && (!creds || expiring || visitorToken().visitorToken !== credsToken)) await loadLine()
    if (!creds) throw new Error('no line')
    if (!ua) {
      const phone = phoneInput.value
        .trim()
        .replace(/[^\d+() -]/g, '')
        .slice(0, 20)
      ua = new UserAgent({
        uri: UserAgent.makeURI(creds.sip.aor),
        transportOptions: { server: creds.sip.wsUrl },
        authorizationUsername: creds.sip.username,
        authorizationPassword: creds.sip.password,
        // The operator sees this number as the caller (and can call back to it, C9).
        ...(phone ? { displayName: phone } : {}),
        logLevel: 'error',
        sessionDescriptionHandlerFactoryOptions: {
          peerConnectionConfiguration: { iceServers: [] },
          iceGatheringTimeout: 500,
        },
      })
      await ua.start()
    }
    const target = UserAgent.makeURI(`sip:${number}@${creds.sip.domain}`)
    if (!target) throw new Error('bad number')
    const inviter = new Inviter(ua, target, { sessionDescriptionHandlerOptions: MEDIA })
    follow(inviter)
    await inviter.invite({
      requestDelegate: {
        onProgress: () => show('ringing'),
        onReject: (r) => {
          show('failed')
          status = { key: failureKey(r.message.statusCode ?? 0), detail: '' }
          renderStatus()
          callback.offer()
        },
      },
    })
  } catch (e) {
    show('failed', e instanceof Error && e.message !== 'no line' ? e.message : '')
    callback.offer()
  }
}

async function hangup(): Promise<void> {
  const s = session
  if (!s) return
  if (s.state === SessionState.Established) await s.bye()
  else if (s instanceof Inviter) await s.cancel()
  show('ended')
}

callBtn.addEventListener('click', () => void call())
hangupBtn.addEventListener('click', () => void hangup())
loadNumbers().catch((e: Error) => {
  lines.replaceChildren(lines.querySelector('legend') as HTMLElement)
  status = { key: 'unavailable', detail: e.message }
  renderStatus()
})

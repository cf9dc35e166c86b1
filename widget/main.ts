/**
 * The website chat widget (issue 7 §2): `<script src="https://<frontline>/widget.js" data-tenant="demo"
 * async></script>` on any site adds a launcher and a chat panel in a Shadow DOM (styles isolated both
 * ways). The visitor token and the last conversation are kept in localStorage, unsent messages in
 * IndexedDB (outbox.ts); the panel reconnects and resumes by message `n` (net.ts).
 */

import { ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES, MESSAGE_MAX_CHARS } from '../contract/limits.ts'
import type { VisitorChat, VisitorMessage, VisitorServerFrame } from '../contract/visitor.ts'
import { type Key, pickLang, words } from './i18n.ts'
import { Api, isFinalRefusal, Link, Refused } from './net.ts'
import { Outbox, type Pending } from './outbox.ts'
import { CSS, h, icon, messageRow, pendingRow } from './view.ts'
import { type Recorded, VoiceRecorder } from './voice.ts'

const script = (document.currentScript ??
  document.querySelector('script[src*="widget.js"]')) as HTMLScriptElement | null
const tenant = script?.dataset.tenant ?? 'demo'
const base = new URL(script?.src ?? location.href).origin
const lang = pickLang(script?.dataset.lang)
const t = words(lang)
const api = new Api(base, lang)
const KEY = `frontline.widget.${tenant}`

interface Saved {
  token?: string
  name?: string
  open?: boolean
  /** T6: the page and referrer of the first visit, sent with the first session. */
  landing?: { url: string; referrer: string | null }
  chat?: VisitorChat | null
  messages?: VisitorMessage[]
  readN?: number
  /** The tenant's name from the last session (the header). */
  tenantName?: string
}
const saved: Saved = (() => {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved) ?? {}
  } catch {
    return {}
  }
})()
saved.landing ??= { url: location.href, referrer: document.referrer || null }
let chat: VisitorChat | null = saved.chat ?? null
const msgs = new Map<number, VisitorMessage>((saved.messages ?? []).map((m) => [m.n, m]))
let readN = saved.readN ?? 0
let online = false

/** The token as stored now (another script of the page — track.js — may have written it). */
function storedToken(): string | undefined {
  try {
    const t = (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved).token
    return typeof t === 'string' ? t : undefined
  } catch {
    return undefined
  }
}

function persist(): void {
  saved.chat = chat
  // The newest 50 are enough to show at once; the rest comes back from the server.
  saved.messages = [...msgs.values()].sort((a, b) => a.n - b.n).slice(-50)
  saved.readN = readN
  try {
    // Never write over a token the tracking snippet stored meanwhile (one visitor, not two); the
    // session adopts it when it starts.
    const token = saved.token ?? storedToken()
    localStorage.setItem(KEY, JSON.stringify(token ? { ...saved, token } : saved))
  } catch {
    // Storage full or blocked: the conversation still works, it just is not kept.
  }
}

// ——— DOM ———
const host = h('div', { id: 'frontline-widget' })
const root = host.attachShadow({ mode: 'open' })
const badge = h('span', { class: 'badge', hidden: true })
const launcher = h(
  'button',
  { type: 'button', class: 'launcher', 'aria-label': t.open, 'aria-expanded': 'false' },
  icon('chat'),
  badge,
)
const who = h('span', { class: 'who' })
const title = h('b', {}, saved.tenantName || t.title)
const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, '×')
const log = h('ol', { class: 'log', 'aria-live': 'polite', 'aria-label': t.title })
const note = h('p', { class: 'note', role: 'status' })
const err = h('p', { class: 'err', role: 'alert' })
const nameInput = h('input', {
  class: 'name',
  'aria-label': t.name,
  placeholder: t.name,
  maxlength: '100',
  autocomplete: 'name',
})
nameInput.value = saved.name ?? ''
// No maxlength: it would cut a pasted text silently; over the limit a counter says so and send refuses.
const MAX_CHARS = MESSAGE_MAX_CHARS
const text = h('textarea', { 'aria-label': t.message, placeholder: t.message, rows: '2' })
const count = h('span', { class: 'count', 'aria-live': 'polite' })
const fileInput = h('input', {
  type: 'file',
  hidden: true,
  multiple: true,
  'aria-label': t.attach,
  accept: ATTACHMENT_EXTENSIONS.map((x) => `.${x}`).join(','),
})
const attachBtn = h('button', { type: 'button', class: 'tool', 'aria-label': t.attach }, icon('clip'))
const micBtn = h('button', { type: 'button', class: 'tool', 'aria-label': t.record }, icon('mic'))
const sendBtn = h('button', { type: 'submit', 'aria-label': t.send }, '➤')
const form = h('form', {}, text, count, fileInput, attachBtn, micBtn, sendBtn)
const recLabel = h('span', {}, t.recording)
const stopBtn = h('button', { type: 'button', 'aria-label': t.stop }, '■')
const preview = h('audio', { controls: true, 'aria-label': t.voice, hidden: true })
const againBtn = h('button', { type: 'button', class: 'tool', 'aria-label': t.rerecord, hidden: true }, '↺')
const sendVoiceBtn = h('button', { type: 'button', 'aria-label': t.sendVoice, hidden: true }, '➤')
const cancelBtn = h('button', { type: 'button', class: 'tool', 'aria-label': t.cancel }, '✕')
const voiceBar = h(
  'div',
  { class: 'voice', hidden: true },
  recLabel,
  stopBtn,
  preview,
  againBtn,
  sendVoiceBtn,
  cancelBtn,
)
const panel = h(
  'section',
  { class: 'panel', role: 'dialog', 'aria-label': t.title, hidden: true },
  h('header', {}, title, who, closeBtn),
  note,
  log,
  err,
  nameInput,
  form,
  voiceBar,
)
root.append(h('style', {}, CSS), launcher, panel)

const fileUrls = new Map<string, Promise<string>>()
const fileUrl = (id: string) => {
  let u = fileUrls.get(id)
  if (!u) {
    u = api.fileUrl(id)
    fileUrls.set(id, u)
    u.catch(() => fileUrls.delete(id))
  }
  return u
}

// ——— rendering ———
function stateOf(m: VisitorMessage): Key | null {
  if (m.author !== 'client') return null
  if (chat?.id && m.n <= chat.operatorReadN) return 'read'
  return m.delivery === 'failed' ? 'failed' : m.delivery
}

/** Set when the view must show the newest message (sent one, panel opened). */
let toEnd = true
function render(): void {
  const atEnd = toEnd || log.scrollHeight - log.scrollTop - log.clientHeight < 40
  toEnd = false
  const rows: HTMLLIElement[] = []
  if (!msgs.size && !outbox.items.length) rows.push(h('li', { class: 'sys' }, t.hello))
  for (const m of [...msgs.values()].sort((a, b) => a.n - b.n))
    rows.push(messageRow(m, stateOf(m), t, fileUrl))
  if (chat?.state === 'completed') rows.push(h('li', { class: 'sys', 'data-ended': '' }, t.ended))
  // A message the socket brought before its POST was answered is stored: no "sending" twin of it.
  const stored = new Set([...msgs.values()].map((m) => m.clientMsgId))
  for (const p of outbox.items)
    if (!stored.has(p.clientMsgId)) rows.push(pendingRow(p, t, () => outbox.retry(p.clientMsgId)))
  log.replaceChildren(...rows)
  if (atEnd) log.scrollTop = log.scrollHeight
  who.textContent = chat?.operatorName && chat.state === 'active' ? `${chat.operatorName} ${t.taken}` : ''
  note.textContent = online || !saved.token ? '' : t.offline
  const unread = [...msgs.values()].filter((m) => m.author === 'operator' && m.n > readN).length
  badge.textContent = String(unread)
  badge.hidden = !unread || !panel.hidden
  markRead()
}

/** T3: the visitor read what is on screen — the panel is open and the page visible. */
function markRead(): void {
  if (panel.hidden || document.visibilityState !== 'visible' || !saved.token) return
  const last = Math.max(0, ...[...msgs.values()].filter((m) => m.author !== 'client').map((m) => m.n))
  if (last <= readN) return
  readN = last
  persist()
  void api.read(last).catch(() => {})
}

// ——— server state ———
const lastN = () => Math.max(0, ...msgs.keys())

function setChat(c: VisitorChat | null): void {
  if (c && chat && c.id !== chat.id) {
    // A new chat after the last one was completed: its messages are counted from 1 again.
    msgs.clear()
    readN = 0
    link.send({ type: 'resume', afterN: 0 })
  }
  chat = c
}

function put(m: VisitorMessage): void {
  const had = msgs.get(m.n)
  // Delivery only moves forward (a late snapshot must not take "read" back to "sent").
  const rank = { failed: 0, sent: 1, delivered: 2, read: 3 }
  if (had && rank[had.delivery] > rank[m.delivery]) m = { ...m, delivery: had.delivery }
  msgs.set(m.n, m)
}

function onFrame(f: VisitorServerFrame): void {
  if (f.kind === 'ready') {
    if (f.chat) setChat(f.chat)
  } else if (f.kind === 'message' || f.kind === 'updated') {
    if (chat && f.message.id && chat.id) put(f.message)
    if (f.kind === 'message' && f.message.author !== 'client')
      link.send({ type: 'delivered', upToN: f.message.n })
  } else if (f.kind === 'chat') setChat(f.chat)
  else if (f.kind === 'live') outbox.kick()
  else if (f.kind === 'error' && f.code === 'E_VISITOR_TOKEN') void session(true)
  persist()
  render()
}

const link = new Link(
  base,
  () => api.token,
  lastN,
  onFrame,
  (up) => {
    online = up
    render()
  },
)

const refusal = (e: unknown) => (e instanceof Refused ? e.message : null)
const outbox = new Outbox(
  `${KEY}.outbox`,
  async (p: Pending) => {
    if (!api.token) throw new Error('no session yet')
    if (p.blob && !p.fileId) {
      try {
        p.fileId = (await api.upload(p.blob, p.fileName ?? 'file', p.durationMs)).file.id
      } catch (e) {
        if (isFinalRefusal(e)) p.final = true
        throw e
      }
    }
    const name = nameInput.value.trim()
    const r = await api.send({
      clientMsgId: p.clientMsgId,
      text: p.text,
      ...(p.fileId ? { fileId: p.fileId } : {}),
      ...(name ? { name } : {}),
    })
    setChat(r.chat)
    put(r.message)
    persist()
  },
  refusal,
  render,
)

let starting: Promise<void> | null = null
/** Opens (or renews) the session: token, his chat and its newest messages; then the live link. */
function session(drop = false): Promise<void> {
  if (drop) {
    delete saved.token
    api.token = ''
  }
  starting ??= (async () => {
    // The tracking snippet (track.js) may have made this visitor's token since the page loaded.
    if (!drop && !saved.token) saved.token = storedToken()
    const page = saved.token ? { url: location.href, referrer: document.referrer || null } : saved.landing!
    let r: Awaited<ReturnType<Api['session']>>
    try {
      r = await api.session(tenant, saved.token, page)
    } catch (e) {
      // A forged or expired token (E_VISITOR_TOKEN): start over as a new visitor.
      if (!(e instanceof Refused) || e.code !== 'E_VISITOR_TOKEN' || !saved.token) throw e
      delete saved.token
      r = await api.session(tenant, undefined, saved.landing!)
    }
    saved.token = r.token
    api.token = r.token
    saved.tenantName = r.tenantName
    title.textContent = r.tenantName || t.title
    if (chat && r.chat?.id !== chat.id) msgs.clear()
    chat = r.chat
    for (const m of r.messages) put(m)
    persist()
    render()
    link.start()
    outbox.kick()
  })().finally(() => {
    starting = null
  })
  return starting.catch((e: unknown) => {
    err.textContent = e instanceof Refused ? e.message : t.offline
    setTimeout(() => void session(), 5000)
  })
}

// ——— controls ———
function setOpen(open: boolean): void {
  panel.hidden = !open
  launcher.setAttribute('aria-expanded', String(open))
  saved.open = open
  persist()
  if (open) {
    toEnd = true
    if (!saved.token) void session()
    text.focus()
  }
  render()
}
launcher.onclick = () => setOpen(Boolean(panel.hidden))
closeBtn.onclick = () => setOpen(false)
document.addEventListener('visibilitychange', markRead)
addEventListener('online', () => {
  link.kick()
  outbox.kick()
})
nameInput.onchange = () => {
  saved.name = nameInput.value.trim()
  persist()
}

form.onsubmit = (e) => {
  e.preventDefault()
  const body = text.value.trim()
  if (!body) return
  if (body.length > MAX_CHARS) {
    err.textContent = t.tooLong
    return
  }
  err.textContent = ''
  toEnd = true
  outbox.add({ clientMsgId: crypto.randomUUID(), text: body })
  text.value = ''
  count.textContent = ''
  if (!saved.token) void session()
}
text.oninput = () => {
  const n = text.value.length
  count.textContent = n > MAX_CHARS ? `${n}/${MAX_CHARS}` : ''
}
text.onkeydown = (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault()
    form.requestSubmit()
  }
}

attachBtn.onclick = () => fileInput.click()
fileInput.onchange = () => {
  err.textContent = ''
  // T4: several files go as separate messages; type and size are checked here first (fast, clear).
  for (const f of fileInput.files ?? []) {
    const ext = f.name.split('.').pop()?.toLowerCase() ?? ''
    if (!(ATTACHMENT_EXTENSIONS as readonly string[]).includes(ext)) {
      err.textContent = `${f.name}: ${t.badType}`
      continue
    }
    if (f.size > ATTACHMENT_MAX_BYTES) {
      err.textContent = `${f.name}: ${t.tooLarge}`
      continue
    }
    toEnd = true
    outbox.add({ clientMsgId: crypto.randomUUID(), text: '', blob: f, fileName: f.name })
  }
  fileInput.value = ''
  if (!saved.token) void session()
}

const voice = new VoiceRecorder()
let recorded: Recorded | null = null
function voiceMode(mode: 'off' | 'recording' | 'recorded'): void {
  voiceBar.hidden = mode === 'off'
  form.hidden = mode !== 'off'
  recLabel.hidden = stopBtn.hidden = mode !== 'recording'
  preview.hidden = againBtn.hidden = sendVoiceBtn.hidden = mode !== 'recorded'
}
async function record(): Promise<void> {
  err.textContent = ''
  try {
    await voice.start()
    voiceMode('recording')
  } catch {
    err.textContent = t.noMic
    voiceMode('off')
  }
}
micBtn.onclick = () => void record()
againBtn.onclick = () => void record()
stopBtn.onclick = async () => {
  const r = await voice.stop().catch(() => null)
  // Not recording (a double click, the recorder failed): back to the composer, nothing thrown.
  if (!r) return voiceMode('off')
  recorded = r
  if (preview.src) URL.revokeObjectURL(preview.src)
  preview.src = URL.createObjectURL(recorded.blob)
  voiceMode('recorded')
}
cancelBtn.onclick = () => {
  voice.cancel()
  recorded = null
  voiceMode('off')
}
sendVoiceBtn.onclick = () => {
  if (!recorded) return
  const ext = recorded.blob.type.includes('ogg') ? 'ogg' : 'webm'
  outbox.add({
    clientMsgId: crypto.randomUUID(),
    text: '',
    blob: recorded.blob,
    fileName: `voice.${ext}`,
    durationMs: recorded.durationMs,
  })
  recorded = null
  voiceMode('off')
  toEnd = true
  if (!saved.token) void session()
}

// ——— start ———
/**
 * A5: the launcher shows only while the tenant's website chat takes visitors (omnichannel on, channel
 * connected) — no dead chat to type into. Unreachable server: shown (the outbox waits for it).
 */
async function mount(): Promise<void> {
  const open = await api.open(tenant).then(
    (r) => r.open,
    () => true,
  )
  if (!open) return
  document.body.append(host)
  void outbox.load().then(() => {
    render()
    // A returning visitor reconnects at once (operator replies arrive while the panel is closed).
    if (saved.token || outbox.items.length) void session()
  })
  if (saved.open) setOpen(true)
  render()
}
if (document.body) void mount()
else addEventListener('DOMContentLoaded', () => void mount())

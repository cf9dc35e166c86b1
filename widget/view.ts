/**
 * The widget's DOM, built with createElement and textContent only: everything a visitor or an
 * operator wrote is untrusted and is never parsed as HTML.
 */
import type { VisitorMessage } from '../contract/visitor.ts'
import type { Key } from './i18n.ts'
import type { Pending } from './outbox.ts'

type Attrs = Record<string, string | boolean>

/** createElement with attributes (false/absent: not set) and text or element children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...kids: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== false) e.setAttribute(k, v === true ? '' : v)
  for (const k of kids) if (k !== null) e.append(k)
  return e
}

export const CSS = `
:host{all:initial}
*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}
button{cursor:pointer;border:0;border-radius:8px;background:#0f5bd8;color:#fff;padding:6px 10px}
button:focus-visible,textarea:focus-visible,input:focus-visible{outline:2px solid #f5a300;outline-offset:1px}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;font-size:24px;box-shadow:0 4px 12px #0004;z-index:2147483646}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;border-radius:10px;background:#d22;font-size:12px;padding:1px 5px}
.panel{position:fixed;right:20px;bottom:86px;width:min(360px,calc(100vw - 24px));height:min(540px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#111;border-radius:12px;box-shadow:0 8px 28px #0005;z-index:2147483647;overflow:hidden}
[hidden]{display:none!important}
header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0f5bd8;color:#fff}
header b{flex:1;font-weight:600}
.x{background:transparent;font-size:20px;padding:0 6px}
.log{flex:1;overflow-y:auto;margin:0;padding:10px;list-style:none;background:#f4f6fa}
.log li{margin:6px 0;max-width:85%;padding:6px 10px;border-radius:10px;background:#fff;white-space:pre-wrap;overflow-wrap:anywhere}
.log li.me{margin-left:auto;background:#dbe8ff}
.log li.sys{max-width:100%;background:none;color:#555;text-align:center;font-style:italic}
.who{display:block;font-size:12px;color:#555}
header .who{color:#e8efff}
.meta{display:block;font-size:11px;color:#666;text-align:right}
.meta button{margin-left:6px;padding:1px 6px;font-size:11px;background:#b00}
.log img,.log video{max-width:100%;border-radius:6px;display:block}
.log audio{max-width:100%;display:block}
.note{margin:0;padding:6px 12px;font-size:12px;color:#7a4b00;background:#fff4d6}
.err{margin:0;padding:6px 12px;font-size:12px;color:#b00;background:#ffe9e9}
.note:empty,.err:empty{display:none}
.name{margin:6px 10px 0;padding:6px;border:1px solid #ccd;border-radius:6px}
form,.voice{display:flex;gap:6px;align-items:flex-end;padding:8px 10px}
textarea{flex:1;resize:none;padding:6px;border:1px solid #ccd;border-radius:6px;max-height:120px}
.tool{background:#e8edf6;color:#123}
.voice{align-items:center;flex-wrap:wrap}
.voice audio{flex:1;min-width:150px}
svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;vertical-align:middle}
.launcher svg{width:28px;height:28px}
.count{font-size:11px;color:#b00;align-self:center}
`

const SVG = 'http://www.w3.org/2000/svg'
/** Static line icons (no emoji font needed); paths are ours, never content. */
export const ICONS = {
  chat: 'M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z',
  clip: 'M21 11l-8.6 8.6a5 5 0 0 1-7-7L14 4a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4L15.5 7',
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3',
}
/** An inline SVG icon (aria-hidden: the button carries the label). */
export function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('aria-hidden', 'true')
  const path = document.createElementNS(SVG, 'path')
  path.setAttribute('d', ICONS[name])
  svg.append(path)
  return svg
}

/** System messages carry a key (`chat.completed`); shown in the visitor's words, unknown ones generically. */
const SYSTEM: Record<string, Key> = { 'chat.completed': 'completed' }
export function systemText(text: string, t: Record<Key, string>): string {
  return t[SYSTEM[text] ?? 'systemEvent']
}

/** m:ss */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

const time = (iso: string) => {
  const d = new Date(iso)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** What a file of a message shows: a preview for images, video and audio, else a download button. */
export function fileNode(
  m: Pick<VisitorMessage, 'file' | 'kind'>,
  t: Record<Key, string>,
  url: (id: string) => Promise<string>,
): HTMLElement | null {
  const f = m.file
  if (!f) return null
  const media = f.type.startsWith('image/')
    ? h('img', { alt: f.name })
    : f.type.startsWith('audio/')
      ? h('audio', {
          controls: true,
          preload: 'metadata',
          'aria-label': m.kind === 'voice' ? t.voice : f.name,
        })
      : f.type.startsWith('video/')
        ? h('video', { controls: true, preload: 'metadata', 'aria-label': f.name })
        : null
  if (media) {
    void url(f.id)
      .then((u) => {
        ;(media as HTMLImageElement).src = u
      })
      .catch(() => {})
    if (f.type.startsWith('audio/') && f.durationMs)
      return h('span', {}, media, h('span', { class: 'meta' }, duration(f.durationMs)))
    return media
  }
  const b = h(
    'button',
    { type: 'button', class: 'tool', 'aria-label': `${t.download}: ${f.name}` },
    `⬇ ${f.name}`,
  )
  b.onclick = () =>
    void url(f.id).then((u) => {
      const a = h('a', { href: u, download: f.name })
      a.click()
    })
  return b
}

/** One message row. `state` is the delivery label of the visitor's own messages. */
export function messageRow(
  m: VisitorMessage,
  state: Key | null,
  t: Record<Key, string>,
  url: (id: string) => Promise<string>,
): HTMLLIElement {
  const me = m.author === 'client'
  const li = h('li', { class: me ? 'me' : m.author === 'system' ? 'sys' : '', 'data-n': String(m.n) })
  if (m.author === 'operator') li.append(h('span', { class: 'who' }, m.authorName ?? t.operator))
  if (m.text) li.append(m.author === 'system' ? systemText(m.text, t) : m.text)
  const file = fileNode(m, t, url)
  if (file) li.append(file)
  li.append(h('span', { class: 'meta' }, state ? `${time(m.at)} · ${t[state]}` : time(m.at)))
  return li
}

/** A message the server has not confirmed yet (sending, or failed with a retry button). */
export function pendingRow(p: Pending, t: Record<Key, string>, retry: () => void): HTMLLIElement {
  const li = h('li', { class: 'me', 'data-pending': p.clientMsgId })
  if (p.text) li.append(p.text)
  if (p.blob)
    li.append(
      h(
        'span',
        { class: 'who' },
        icon(p.durationMs ? 'mic' : 'clip'),
        p.durationMs ? ` ${duration(p.durationMs)}` : ` ${p.fileName ?? ''}`,
      ),
    )
  const meta = h(
    'span',
    { class: 'meta' },
    p.state === 'failed' ? `${t.failed}${p.error ? `: ${p.error}` : ''}` : t.sending,
  )
  // A refusal that the same bytes would get again (type, size) offers no retry: only the error.
  if (p.state === 'failed' && !p.final) {
    const b = h('button', { type: 'button', 'aria-label': t.retry }, t.retry)
    b.onclick = retry
    meta.append(b)
  }
  li.append(meta)
  return li
}

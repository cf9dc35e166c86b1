/*
 * Issue 11 item 8 (first paint): picks the static shell index.html paints before the app bundle has
 * loaded — the login card on /login, the app frame elsewhere — in the language the app will use
 * (lib/i18n: the saved choice, else the browser's). A classic script: the CSP allows no inline one.
 */
;(() => {
  const root = document.documentElement
  let lang = null
  try {
    lang = localStorage.getItem('frontline.lang')
  } catch {}
  if (lang !== 'ru' && lang !== 'en') {
    lang = 'en'
    for (const p of navigator.languages || [navigator.language || 'en']) {
      const base = String(p).toLowerCase().split('-')[0]
      if (base === 'ru' || base === 'en') {
        lang = base
        break
      }
    }
  }
  root.lang = lang
  const path = location.pathname
  root.dataset.boot = path === '/login' || path.startsWith('/login/') ? 'login' : 'app'
  root.dataset.bootTab = (path.match(/^\/(calls|requests|contacts|onsite|account)\b/) || [])[1] || ''
})()

/*
 * The app itself starts once the shell has painted (a frame later; by a timer when the page is hidden
 * and frames do not run): the build moved the entry script and its preloads into <meta name=frontline-app>
 * (vite.config.ts `startAfterFirstPaint`). In dev (no meta) index.html loads /src/main.tsx itself.
 */
;(() => {
  const meta = document.querySelector('meta[name="frontline-app"]')
  if (!meta) return
  let started = false
  const start = () => {
    if (started) return
    started = true
    const [entry, ...preloads] = meta.content.split(' ')
    for (const href of preloads) {
      const link = document.createElement('link')
      link.rel = 'modulepreload'
      link.crossOrigin = ''
      link.href = href
      document.head.append(link)
    }
    const script = document.createElement('script')
    script.type = 'module'
    script.crossOrigin = ''
    script.src = entry
    document.head.append(script)
  }
  requestAnimationFrame(() => setTimeout(start, 0))
  setTimeout(start, 100)
})()

/*
 * Issue 10 (warm start budget): the operator's last Requests list (the New tab, its counts, the first
 * rows), saved by the app (src/lib/firstpaint, src/features/requests/snapshot.ts), painted into the
 * shell with the live rows' classes — the rows with data show before the app has started. Only the
 * active account's snapshot of this version and language; its texts are set as text (client names
 * are untrusted); rows are real links (a tap before the app runs navigates). app/shell.ts keeps the
 * shell until the app's own list is there. Keep in step with validSnapshot in lib/firstpaint.
 */
;(() => {
  const root = document.documentElement
  const path = location.pathname
  if (root.dataset.boot !== 'app' || location.search.includes('view=')) return
  let snap = null
  try {
    const account = localStorage.getItem('frontline.account') || ''
    snap = JSON.parse(localStorage.getItem(`frontline.requests.${account}`) || 'null')
    if (snap?.v !== 1 || !account || snap.account !== account || snap.lang !== root.lang) return
  } catch {
    return
  }
  const atStart = path === '/' && snap.start === true
  if (!(path === '/requests' || path === '/requests/' || atStart)) return
  if (!Array.isArray(snap.rows) || !Array.isArray(snap.tabs) || snap.rows.length === 0) return
  if (atStart) root.dataset.bootTab = 'requests'
  const el = (tag, cls, text) => {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text != null) e.textContent = String(text)
    return e
  }
  const paint = () => {
    const shell = document.querySelector('#root > .boot')
    const main = shell?.querySelector('.boot-app main.content')
    if (!main) return
    const page = el('div', 'page page-fill requests-page')
    const tabs = el('div', 'subtabs')
    for (const t of snap.tabs.slice(0, 8)) {
      const b = el('button', t.on ? 'on' : '', t.text)
      b.type = 'button'
      b.tabIndex = -1
      if (t.unread > 0) b.append(el('span', 'unread', t.unread))
      tabs.append(b)
    }
    const pencil = el('button', 'icon-btn wf-open')
    pencil.type = 'button'
    pencil.tabIndex = -1
    // The app's pencil (ChatIcon "edit"): the floating button is not an empty circle before the app runs.
    const ns = 'http://www.w3.org/2000/svg'
    const svg = document.createElementNS(ns, 'svg')
    svg.setAttribute('width', '22')
    svg.setAttribute('height', '22')
    svg.setAttribute('viewBox', '0 0 24 24')
    svg.setAttribute('class', 'icon')
    svg.setAttribute('aria-hidden', 'true')
    const glyph = document.createElementNS(ns, 'path')
    glyph.setAttribute(
      'd',
      'M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z',
    )
    glyph.setAttribute('fill', 'currentColor')
    svg.append(glyph)
    pencil.append(svg)
    page.append(tabs, pencil)
    // As the app: the note is a bar over the list's bottom (list.css), the rows do not move.
    if (navigator.onLine === false) {
      page.classList.add('requests-off')
      page.append(el('p', 'notice small requests-offline', snap.offline))
    }
    const list = el('ul', 'list')
    const rows = snap.rows.slice(0, 15)
    list.style.height = `${rows.length * 72}px`
    list.style.position = 'relative'
    rows.forEach((r, i) => {
      const href = String(r.href)
      if (!href.startsWith('/requests/') || href.startsWith('//')) return
      const li = el('li', 'vrow')
      li.style.height = '72px'
      li.style.transform = `translateY(${i * 72}px)`
      const a = el('a', 'row row-link chat-row chat-entry')
      a.href = href
      a.tabIndex = -1
      const name = String(r.name)
      const main = el('span', 'row-main')
      const title = el('span', 'row-title', name)
      // The channel is a badge on the avatar in the app (ChannelIcon.tsx): the line is the client's words.
      const sub = el('span', 'row-sub chat-preview', r.preview)
      title.dir = sub.dir = 'auto'
      main.append(title, sub)
      const end = el('span', 'chat-row-end')
      const time = el(r.at ? 'time' : 'span', r.at ? 'small muted' : 'chat-wait', r.time)
      if (r.at) time.dateTime = String(r.at)
      end.append(time)
      if (r.unread > 0) end.append(el('span', 'unread', r.unread))
      const avatar = el('span', 'chat-avatar')
      avatar.append(el('span', 'initial', name.slice(0, 1).toUpperCase()))
      a.append(avatar, main, end)
      li.append(a)
      list.append(li)
    })
    const scroller = el('div', 'vlist')
    scroller.append(list)
    page.append(scroller)
    main.replaceChildren(page)
    shell.dataset.snapshot = ''
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', paint)
  else paint()
})()

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

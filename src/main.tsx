/** Entry: load saved accounts and settings, wire the API client, start the runtime, render. */
import { render } from 'solid-js/web'
import { App, registerServiceWorker, startRuntime } from './app/index.ts'
import { loadSettings } from './features/account/index.ts'
import { configureApi } from './lib/api/index.ts'
import { lang } from './lib/i18n/index.ts'
import { loadAccounts, markRevoked, token } from './lib/session/index.ts'
import './styles.css'

document.documentElement.lang = lang()
configureApi({ token, unauthorized: (tok) => void markRevoked(tok) })

await Promise.all([loadAccounts(), loadSettings()])
startRuntime()
const root = document.getElementById('root')
if (root) render(() => <App />, root)
registerServiceWorker((path) => {
  // SPEC N2: the worker tells us which screen a tapped notification leads to.
  if (location.pathname !== path) history.pushState(null, '', path)
  dispatchEvent(new PopStateEvent('popstate'))
})

/** Entry: load saved accounts and settings, wire the API client, start the runtime, render. */
import { render } from 'solid-js/web'
import {
  App,
  dropShellWhenShown,
  freshStart,
  openFromNotification,
  preloadScreen,
  registerServiceWorker,
  startRuntime,
} from './app/index.ts'
import { loadSettings } from './features/account/index.ts'
import { configureApi } from './lib/api/index.ts'
import { lang } from './lib/i18n/index.ts'
import { loadAccounts, markRevoked, token } from './lib/session/index.ts'
import './styles.css'

// Issue 10 (warm start): the landing screen's chunk downloads while the saved session is read.
preloadScreen(location.pathname)
document.documentElement.lang = lang()
configureApi({ token, unauthorized: (tok, code) => void markRevoked(tok, code) })

await Promise.all([loadAccounts(), loadSettings()])
startRuntime()
// N2: a window opened by a tapped notification carries the push's seq: render with fresh data.
await freshStart()
const root = document.getElementById('root')
if (root) {
  // Issue 11 item 8: index.html's static shell (painted before this bundle loaded) gives way to the app
  // once the app's screen is there (probe 11, finding 1: not before — a lazy screen left a blank page).
  const shell = root.querySelector(':scope > .boot')
  if (!shell) root.replaceChildren()
  render(() => <App />, root)
  if (shell) dropShellWhenShown(root, shell)
}
registerServiceWorker((click) => void openFromNotification(click))

/** The signed-in shell: header with section title and status button, content, bottom tab bar. */
import { Navigate, type RouteSectionProps, useLocation } from '@solidjs/router'
import { type JSX, Match, Show, Suspense, Switch } from 'solid-js'
import { NotifyWarning } from '../features/account/index.ts'
import { CallOverlay, calls, LineIndicator } from '../features/calls/index.ts'
import { WriteFirstSheet } from '../features/requests/index.ts'
import { ForcedStatusNote, StatusButton } from '../features/status/index.ts'
import { type MessageKey, t } from '../lib/i18n/index.ts'
import { offline } from '../lib/net/index.ts'
import { me } from '../lib/session/index.ts'
import { ScreenPainted } from '../lib/ui/index.ts'
import { closeWriteFirst, writeFirstAddress } from '../lib/writefirst/index.ts'
import { connection } from './runtime.ts'
import { TabBar } from './TabBar.tsx'
import './phone.css'

const TITLES: [string, MessageKey][] = [
  ['/calls', 'nav.calls'],
  ['/requests', 'nav.requests'],
  ['/contacts', 'nav.contacts'],
  ['/onsite', 'nav.onsite'],
  ['/account', 'nav.account'],
  // Probe 11 finding 13: the supervisor's screens are named in the header, not "Frontline".
  ['/supervisor/report', 'super.report'],
  ['/supervisor', 'super.title'],
]

/** Layout for the tabbed sections; sends signed-out visitors to /login. */
export function Layout(props: RouteSectionProps): JSX.Element {
  const loc = useLocation()
  const title = () => TITLES.find(([p]) => loc.pathname.startsWith(p))?.[1] ?? 'app.name'
  return (
    <Show when={me()} fallback={<Navigate href="/login" />}>
      <div class="shell">
        <header class="topbar">
          <span class="topbar-title">{t(title())}</span>
          {/* A6: offline whenever the device is (events or a failed request), not only while relinking. */}
          <Switch>
            <Match when={offline()}>
              <span class="conn" role="status" title={t('app.offlineHint')} aria-label={t('app.offlineHint')}>
                {t('app.offline')}
              </span>
            </Match>
            <Match when={connection().kind === 'waiting'}>
              <span class="conn" role="status">
                {t('app.reconnecting')}
              </span>
            </Match>
          </Switch>
          <LineIndicator />
          <StatusButton />
        </header>
        <ForcedStatusNote />
        {/* A3: blocked notifications keep a warning on the screens where calls and chats arrive. */}
        <Show when={/^\/(calls|requests)/.test(loc.pathname)}>
          <Suspense>
            <NotifyWarning />
          </Suspense>
        </Show>
        <main class="content">
          <Suspense fallback={<p class="loading">{t('app.loading')}</p>}>
            {props.children}
            {/* Issue 11 item 8: the first screen has painted; the phone's chunk may load (lib/ui). */}
            <ScreenPainted />
          </Suspense>
        </main>
        <TabBar />
      </div>
      {/* T10: write first, asked for from any screen that shows a number (lib/writefirst). */}
      <Show when={writeFirstAddress() !== null && me()?.features.omni}>
        <Suspense>
          <div class="wf-layer">
            <WriteFirstSheet address={writeFirstAddress() ?? ''} onClose={closeWriteFirst} />
          </div>
        </Suspense>
      </Show>
      {/* C1/C4: the call screens load with the first call, never with the shell. */}
      <Show when={calls().length > 0}>
        <Suspense>
          <CallOverlay />
        </Suspense>
      </Show>
    </Show>
  )
}

/** The bottom tab bar: five sections as links (accessible name = visible label). */
import { A } from '@solidjs/router'
import { For } from 'solid-js'
import { RequestsBadge } from '../features/requests/index.ts'
import { type MessageKey, t } from '../lib/i18n/index.ts'
import { me } from '../lib/session/index.ts'
import { Icon, type IconName } from '../lib/ui/index.ts'

const TABS: { href: string; label: MessageKey; icon: IconName }[] = [
  { href: '/calls', label: 'nav.calls', icon: 'phone' },
  { href: '/requests', label: 'nav.requests', icon: 'chat' },
  { href: '/contacts', label: 'nav.contacts', icon: 'people' },
  { href: '/onsite', label: 'nav.onsite', icon: 'globe' },
  { href: '/account', label: 'nav.account', icon: 'user' },
]

/** Bottom navigation. */
export function TabBar() {
  return (
    <nav class="tabbar" aria-label={t('nav.main')}>
      {/* A5: without the omnichannel option there is no Requests tab (the softphone stays). */}
      <For each={TABS.filter((x) => x.href !== '/requests' || me()?.features.omni !== false)}>
        {(tab) => (
          <A href={tab.href} class="tab" activeClass="on">
            <Icon name={tab.icon} />
            <span>{t(tab.label)}</span>
            {tab.href === '/requests' && <RequestsBadge />}
          </A>
        )}
      </For>
    </nav>
  )
}

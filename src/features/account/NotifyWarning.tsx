/**
 * SPEC A3: notifications blocked in the browser are not forgotten after the walk-through — the call and
 * chat screens keep a short warning that leads to the fix (Account → Permissions).
 */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { createPermissionStates } from './permissions.ts'

/** A one-line warning while notifications are blocked; nothing otherwise. */
export default function NotifyWarning() {
  const perms = createPermissionStates()
  return (
    <Show when={perms.states().notifications === 'denied'}>
      <p class="notify-warning">
        <span>{t('perm.notifications.blocked')}</span> <A href="/account#acc-perms">{t('perm.howToFix')}</A>
      </p>
    </Show>
  )
}

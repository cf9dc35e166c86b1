/**
 * The tenant's channels (SPEC T1): name, kind, address, connected or off, the webhook URL to give the
 * provider (absolute: this origin + its path, copyable), the secret's masked hint, and per channel
 * Edit, New secret and Disconnect.
 */
import { For, Show } from 'solid-js'
import type { ChannelAdminView } from '../../../../contract/channels.ts'
import { t } from '../../../lib/i18n/index.ts'
import { CopyRow } from './parts.tsx'

export function ChannelList(props: {
  channels: readonly ChannelAdminView[]
  onEdit: (c: ChannelAdminView) => void
  onRotate: (c: ChannelAdminView) => void
  onDisconnect: (c: ChannelAdminView) => void
}) {
  return (
    <section class="card" aria-labelledby="chan-list-title">
      <h2 id="chan-list-title">{t('channels.list')}</h2>
      <Show when={props.channels.length > 0} fallback={<p class="muted">{t('channels.empty')}</p>}>
        <ul class="list">
          <For each={props.channels}>
            {(c) => (
              <li class="chan-row" aria-label={c.name} classList={{ 'admin-inactive': !c.connected }}>
                <span class="row-title">{c.name}</span>
                <span class="row-sub">
                  <span class={c.connected ? 'admin-badge chan-on' : 'admin-badge'}>
                    {c.connected ? t('channels.connected') : t('channels.off')}
                  </span>{' '}
                  {[t(`channels.kind.${c.kind}`), c.address].filter(Boolean).join(' · ')}
                </span>
                <Show when={c.connected && c.webhookPath}>
                  {(path) => <CopyRow label={t('channels.webhook')} value={`${location.origin}${path()}`} />}
                </Show>
                <Show when={c.secretHint}>
                  {(hint) => <span class="row-sub">{t('channels.secretNow', { hint: hint() })}</span>}
                </Show>
                <div class="admin-actions chan-actions">
                  <button
                    type="button"
                    class="btn btn-small"
                    aria-label={t('channels.editNamed', { name: c.name })}
                    onClick={() => props.onEdit(c)}
                  >
                    {t('channels.edit')}
                  </button>
                  <button
                    type="button"
                    class="btn btn-small"
                    aria-label={t('channels.newSecretNamed', { name: c.name })}
                    onClick={() => props.onRotate(c)}
                  >
                    {t('channels.newSecret')}
                  </button>
                  <Show when={c.connected}>
                    <button
                      type="button"
                      class="btn btn-small btn-danger"
                      aria-label={t('channels.disconnectNamed', { name: c.name })}
                      onClick={() => props.onDisconnect(c)}
                    >
                      {t('channels.disconnect')}
                    </button>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}

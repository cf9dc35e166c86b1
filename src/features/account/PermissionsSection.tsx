/** SPEC A3 in Settings: each permission's live state, Grant, and what breaks without it. */
import { For, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { createPermissionStates, PERMISSIONS, stateLabel } from './permissions.ts'

/** Permission list with live grant state. */
export function PermissionsSection() {
  const perms = createPermissionStates()
  return (
    <section class="card" aria-labelledby="acc-perms">
      <h2 id="acc-perms">{t('perm.title')}</h2>
      <ul class="list">
        <For each={PERMISSIONS}>
          {(p) => {
            const st = () => perms.states()[p.name]
            return (
              <li class="perm">
                <div class="perm-head">
                  <span class="row-title">{t(p.label)}</span>
                  <span class={`pill pill-${st()}`}>{t(stateLabel(st()))}</span>
                </div>
                <p class="muted small">{t(p.why)}</p>
                <Show when={st() === 'denied'}>
                  <p class="muted small">{t('perm.deniedHow')}</p>
                </Show>
                <Show when={st() === 'prompt' || (p.name === 'contacts' && st() === 'available')}>
                  <button
                    type="button"
                    class="btn btn-small"
                    aria-label={t('perm.grant', { name: t(p.label) })}
                    onClick={() => void perms.request(p.name)}
                  >
                    {t('walk.allow')}
                  </button>
                </Show>
              </li>
            )
          }}
        </For>
      </ul>
      <p class="muted small">{t('perm.revokeHow')}</p>
    </section>
  )
}

/** Website chat (SPEC T1): on or off, and the groups its chats go to — PUT /api/admin/channels/webchat. */
import { createResource, Show } from 'solid-js'
import type { GroupAdminView } from '../../../../contract/admin-setup.ts'
import type { WebchatSettings } from '../../../../contract/chats.ts'
import { api, errorText } from '../../../lib/api/index.ts'
import { lang, t } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'
import { CopyRow, GroupSwitches } from './parts.tsx'
import { widgetSnippet } from './reach.ts'

export function WebchatCard(props: { groups: readonly GroupAdminView[] }) {
  const [settings, { mutate }] = createResource(() => api('GET /api/admin/channels/webchat'))
  // The tenant's slug is the widget's data-tenant (README "Try a chat"); the employees list carries it.
  const [slug] = createResource(() => api('GET /api/admin/employees').then((r) => r.loginDomain))
  // Each change is saved at once, like the other switches of the admin screens; a refusal puts it back.
  const save = async (next: WebchatSettings) => {
    const before = settings()
    mutate(next)
    try {
      mutate(await api('PUT /api/admin/channels/webchat', { body: next }))
      toast(t('channels.saved'))
    } catch (e) {
      mutate(before)
      toast(errorText(e), 'error')
    }
  }
  return (
    <section class="card chan-webchat" aria-labelledby="chan-webchat-title">
      <h2 id="chan-webchat-title">{t('channels.webchat.title')}</h2>
      <Show
        when={settings()}
        fallback={<Show when={settings.error}>{<p class="error">{errorText(settings.error)}</p>}</Show>}
      >
        {(s) => (
          <>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                checked={s().connected}
                aria-checked={s().connected}
                aria-label={t('channels.webchat.title')}
                aria-describedby="chan-webchat-hint"
                onChange={(e) => void save({ ...s(), connected: e.currentTarget.checked })}
              />
              <span class="switch-text">
                <span>{t(s().connected ? 'channels.webchat.isOn' : 'channels.webchat.isOff')}</span>
                <span id="chan-webchat-hint" class="muted small">
                  {t('channels.webchat.hint')}
                </span>
              </span>
            </label>
            <Show when={s().connected && slug()}>
              {(tenant) => (
                <div class="chan-snippet">
                  <CopyRow
                    label={t('channels.webchat.snippet')}
                    value={widgetSnippet(location.origin, tenant(), lang())}
                    testId="webchat-snippet"
                  />
                  <p class="muted small">{t('channels.webchat.snippetHint')}</p>
                  <a class="btn btn-small btn-ghost" href="/site/" target="_blank" rel="noopener">
                    {t('channels.webchat.demo')}
                  </a>
                </div>
              )}
            </Show>
            <GroupSwitches
              groups={props.groups}
              selected={s().groupIds}
              onChange={(groupIds) => void save({ ...s(), groupIds })}
            />
          </>
        )}
      </Show>
    </section>
  )
}

/** Active sessions of this operator (docs/api.md /api/auth/sessions) with "End session". */
import { createResource, For, Show } from 'solid-js'
import type { SessionInfo } from '../../../contract/api.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { active } from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'

function device(ua: string): string {
  // A short, readable label; the full user agent stays in the title attribute.
  const browser = /(Edg|OPR|Firefox|Chrome|Chromium|Safari)\/[\d]+/.exec(ua)?.[0]?.replace('/', ' ') ?? ''
  // Mobile platforms first: an Android UA also says "Linux".
  const os =
    ['Android [\\d.]+', 'iPhone', 'iPad', 'Windows', 'Mac OS X', 'Linux']
      .map((p) => new RegExp(p).exec(ua)?.[0])
      .find(Boolean) ?? ''
  return [browser, os].filter(Boolean).join(', ') || ua.slice(0, 40) || '—'
}

/** Sessions list for the active account. */
export function SessionsSection() {
  const [sessions, { refetch }] = createResource(
    () => active()?.key,
    () => api<SessionInfo[]>('GET', '/api/auth/sessions'),
  )
  const end = async (s: SessionInfo) => {
    try {
      await api('DELETE', `/api/auth/sessions/${encodeURIComponent(s.id)}`)
      toast(t('sessions.ended'))
      await refetch()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const when = (iso: string) => fmtDate(iso, { dateStyle: 'short', timeStyle: 'short' })

  return (
    <section class="card" aria-labelledby="acc-sessions">
      <h2 id="acc-sessions">{t('sessions.title')}</h2>
      <Show when={!sessions.error} fallback={<p class="muted">{errorText(sessions.error)}</p>}>
        <ul class="list">
          <For each={sessions() ?? []}>
            {(s) => (
              <li class="row row-wrap">
                <span class="row-main">
                  <span class="row-title" title={s.userAgent}>
                    {device(s.userAgent)}
                  </span>
                  <span class="row-sub">
                    {s.current ? t('sessions.current') : t('sessions.lastSeen', { time: when(s.lastSeenAt) })}
                  </span>
                </span>
                <Show when={!s.current}>
                  <button
                    type="button"
                    class="btn btn-small"
                    aria-label={t('sessions.endNamed', { ua: device(s.userAgent) })}
                    onClick={() => void end(s)}
                  >
                    {t('sessions.end')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={sessions()?.length === 1}>
          <p class="muted">{t('sessions.empty')}</p>
        </Show>
      </Show>
    </section>
  )
}

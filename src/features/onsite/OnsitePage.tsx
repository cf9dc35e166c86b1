/**
 * Clients on site (SPEC I2): visitors who have contacted the company and are on the site now — number,
 * current page, time on site — live (re-read on `visitor.activity`); tap to call, write, or open
 * Insider. Page titles and URLs are the visitor's text, shown as text.
 */
import { useNavigate } from '@solidjs/router'
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import type { OnsiteView } from '../../../contract/tracking.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { EmptyState } from '../../lib/ui/index.ts'
import { placeCall } from '../calls/index.ts'
import { activity, pagePath, sourceText, VisitorInsider } from '../insider/index.ts'

function since(iso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000))
  const m = Math.floor(s / 60)
  return m >= 60
    ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
    : `${m}:${String(s % 60).padStart(2, '0')}`
}

export default function OnsitePage() {
  const navigate = useNavigate()
  const [list] = createResource(
    () => activity().n + 1,
    async (): Promise<OnsiteView[]> => (await api('GET /api/onsite')).visitors,
  )
  const [open, setOpen] = createSignal<string | null>(null)
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 1000)
  onCleanup(() => clearInterval(timer))
  const rows = () => list.latest ?? []
  return (
    <section class="page onsite-page" aria-labelledby="onsite-title">
      <h1 id="onsite-title" class="visually-hidden">
        {t('onsite.title')}
      </h1>
      <Show when={!list.error} fallback={<p class="error small">{errorText(list.error)}</p>}>
        <Show
          when={rows().length}
          fallback={
            <Show when={list.state === 'ready'}>
              <EmptyState title="onsite.title" headline="onsite.empty" hint="onsite.emptyHint" icon="globe" />
            </Show>
          }
        >
          <ul class="onsite-list" aria-label={t('onsite.title')}>
            <For each={rows()}>
              {(v) => (
                <li class="onsite-row" data-testid="onsite-row" data-visitor={v.visitorId}>
                  {/* Probe 11 finding 16: the page, the source, the visits, "in chat" — and a tap opens Insider. */}
                  <button
                    type="button"
                    class="onsite-main"
                    aria-expanded={open() === v.visitorId}
                    onClick={() => setOpen((o) => (o === v.visitorId ? null : v.visitorId))}
                  >
                    <span class="onsite-who">
                      <b dir="auto">{v.name || v.number || t('onsite.visitor')}</b>
                      <Show when={v.name && v.number}>
                        <span dir="ltr"> {v.number}</span>
                      </Show>
                      <Show when={v.chatOpen}>
                        <span class="onsite-badge">{t('onsite.inChat')}</span>
                      </Show>
                    </span>
                    <span class="onsite-page-line" dir="auto" data-testid="onsite-page">
                      {pagePath(v.url ?? v.page)}
                    </span>
                    <span class="muted small onsite-facts">
                      {[
                        sourceText(v.utm),
                        v.visits ? t('onsite.visits', { n: v.visits }) : null,
                        t('onsite.onSiteFor', { time: since(v.since, now()) }),
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </span>
                  </button>
                  <div class="onsite-actions">
                    <Show when={v.number}>
                      {(n) => (
                        <button type="button" class="btn" onClick={() => void placeCall(n())}>
                          {t('onsite.call')}
                        </button>
                      )}
                    </Show>
                    <Show when={v.chatId}>
                      {(c) => (
                        <button type="button" class="btn" onClick={() => navigate(`/requests/${c()}`)}>
                          {t('onsite.write')}
                        </button>
                      )}
                    </Show>
                    <button
                      type="button"
                      class="btn"
                      aria-expanded={open() === v.visitorId}
                      onClick={() => setOpen((o) => (o === v.visitorId ? null : v.visitorId))}
                    >
                      {t('onsite.insider')}
                    </button>
                  </div>
                  <Show when={open() === v.visitorId}>
                    <VisitorInsider visitorId={v.visitorId} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  )
}

/**
 * Insider (SPEC I1): who the client is before the answer — name, number, location, browser and
 * device, the page they called or wrote from, top 5 pages, calls in the last N days, visits, UTM, and
 * the tenant's CRM card buttons. Everything the visitor's browser sent is shown as text; links only
 * for http(s) URLs. Re-reads live when the visitor opens another page.
 */
import { createResource, createSignal, For, type JSX, Show, Suspense } from 'solid-js'
import type { InsiderView } from '../../../contract/tracking.ts'
import { api } from '../../lib/api/index.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import './insider.css'
import { initiallyOpen, rememberOpen } from './fold.ts'
import { activity } from './live.ts'
import { insiderSummary } from './summary.ts'

const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const

/** An http(s) URL as a link; anything else as inert text. */
function PageLink(props: { url: string; title?: string }) {
  const safe = () => {
    try {
      const u = new URL(props.url)
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
    } catch {
      return null
    }
  }
  // The title alone cannot tell two pages of one template apart: the path and query go with it.
  const label = () => {
    if (!props.title) return props.url
    try {
      const u = new URL(props.url)
      return `${props.title} · ${u.pathname}${u.search}`
    } catch {
      return props.title
    }
  }
  return (
    <Show when={safe()} fallback={<span dir="auto">{label()}</span>}>
      {(h) => (
        <a href={h()} target="_blank" rel="noopener noreferrer nofollow" dir="auto" title={props.url}>
          {label()}
        </a>
      )}
    </Show>
  )
}

function place(i: InsiderView): string {
  const l = i.location
  if (l.kind === 'loopback') return t('insider.loopback')
  if (l.kind === 'private') return t('insider.private')
  if (l.kind === 'unknown') return t('insider.unknown')
  return [l.city, l.country].filter(Boolean).join(', ') || t('insider.unknown')
}

/** The panel for one source of Insider (a visitor, a call, a chat). */
export function InsiderPanel(props: {
  /** Reads Insider for `days`; null: nothing known of this client on the site. */
  load: (days: number) => Promise<InsiderView | null>
  /** What the load depends on (an id); the panel re-reads when it changes. */
  keyOf: () => string | null
  /** False where the screen already shows the number (a call: shown once, formatted — C1). */
  showNumber?: boolean
  /** Fold state remembered under this name; folded at first on a narrow screen (probe 11, #27). */
  remember?: string
}): JSX.Element {
  const open = initiallyOpen(props.remember)
  const [days, setDays] = createSignal(7)
  const [data] = createResource(
    () => {
      const k = props.keyOf()
      return k ? { k, d: days(), n: activity().n } : null
    },
    (s) => props.load(s.d),
  )
  // Keep the last answer on screen while the next one loads (no flicker on a live update).
  const view = () => data.latest ?? null
  const row = (label: MessageKey, value: JSX.Element) => (
    <>
      <dt>{t(label)}</dt>
      <dd>{value}</dd>
    </>
  )
  // Its own boundary: a pending read (slow network, offline) hides only this panel, never the
  // screen it sits on (the conversation stayed "Loading…" offline when it suspended the page).
  return (
    <Suspense fallback={null}>
      <Show when={view()}>
        {(i) => (
          <details
            class="insider"
            open={open}
            data-testid="insider"
            onToggle={(e) => rememberOpen(props.remember, e.currentTarget.open)}
          >
            <summary class="insider-title">
              {t('insider.title')}
              <Show when={props.remember && insiderSummary(i())}>
                {(s) => (
                  <span class="insider-summary" dir="auto">
                    {s()}
                  </span>
                )}
              </Show>
            </summary>
            <dl class="insider-list">
              <Show when={i().name}>{(n) => row('insider.name', <span dir="auto">{n()}</span>)}</Show>
              <Show when={props.showNumber !== false && i().number}>
                {(n) => row('insider.number', <span dir="ltr">{n()}</span>)}
              </Show>
              {row('insider.location', <span data-testid="insider-location">{place(i())}</span>)}
              <Show when={i().browser || i().device}>
                {row(
                  'insider.device',
                  <span data-testid="insider-device">
                    {[i().browser, i().os, i().device].filter(Boolean).join(' · ')}
                  </span>,
                )}
              </Show>
              <Show when={i().currentPage}>
                {(p) =>
                  row(
                    i().onSite ? 'insider.nowOn' : 'insider.lastPage',
                    <span data-testid="insider-page">
                      <PageLink url={p().url} title={p().title} />
                    </span>,
                  )
                }
              </Show>
              <Show when={i().referrer}>{(r) => row('insider.referrer', <PageLink url={r()} />)}</Show>
              <For each={UTM.filter((k) => i().utm[k])}>
                {(k) =>
                  row(
                    `info.utm.${k}` as MessageKey,
                    <span dir="auto" data-testid={`insider-utm-${k}`}>
                      {i().utm[k]}
                    </span>,
                  )
                }
              </For>
              {row('insider.visits', <span data-testid="insider-visits">{i().visits}</span>)}
              {row(
                'insider.calls',
                <span>
                  <span data-testid="insider-calls">{i().calls}</span>{' '}
                  <select
                    aria-label={t('insider.period')}
                    value={String(days())}
                    onChange={(e) => setDays(Number(e.currentTarget.value))}
                  >
                    <For each={[1, 7, 30, 90]}>
                      {(d) => <option value={String(d)}>{t('insider.days', { n: d })}</option>}
                    </For>
                  </select>
                </span>,
              )}
            </dl>
            <Show when={i().topPages.length}>
              <h3 class="insider-sub">{t('insider.topPages')}</h3>
              <ol class="insider-top" data-testid="insider-top">
                <For each={i().topPages}>
                  {(p) => (
                    <li>
                      <PageLink url={p.page} title={p.title} /> <span class="muted">×{p.views}</span>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
            <Show when={i().crm.length}>
              <div class="insider-crm">
                <For each={i().crm}>
                  {(c) => (
                    <a
                      class="btn"
                      href={c.url}
                      target="_blank"
                      rel="noopener noreferrer"
                      aria-label={t('insider.crmOpen', { name: c.name })}
                    >
                      {c.name}
                    </a>
                  )}
                </For>
              </div>
            </Show>
          </details>
        )}
      </Show>
    </Suspense>
  )
}

/** Insider of a call by its SIP Call-ID; null when the call is not from a site visitor (or unknown yet). */
function callInsider(sipCallId: string, days: number): Promise<InsiderView | null> {
  // A call the server does not know (yet, or offline in history): no panel, not an error.
  return api('GET /api/insider/calls/:sipCallId', {
    params: { sipCallId },
    query: { days: String(days) },
  }).then(
    (r) => r.insider,
    () => null,
  )
}

/** Does this call have a site visitor behind it (probe 12 UI #14: the in-call screen's Insider control)? */
export async function callHasInsider(sipCallId: string): Promise<boolean> {
  return (await callInsider(sipCallId, 7)) !== null
}

/** Insider of a call from the site (by its SIP Call-ID: known before the answer). */
export function CallInsider(props: { sipCallId: string | null | undefined }): JSX.Element {
  return (
    <InsiderPanel
      showNumber={false}
      keyOf={() => props.sipCallId ?? null}
      load={async (days) => (props.sipCallId ? await callInsider(props.sipCallId, days) : null)}
    />
  )
}

/** Insider of a website chat. */
export function ChatInsider(props: { chatId: string }): JSX.Element {
  return (
    <InsiderPanel
      remember="chat"
      keyOf={() => props.chatId}
      load={async (days) =>
        // Offline or refused: no panel, not an error on the screen.
        api('GET /api/insider/chats/:id', {
          params: { id: props.chatId },
          query: { days: String(days) },
        }).then(
          (r) => r.insider,
          () => null,
        )
      }
    />
  )
}

/** Insider of a client of the contact book, by his website visitor (if known); nothing otherwise. */
export function ClientInsider(props: { clientId: string }): JSX.Element {
  return (
    <InsiderPanel
      keyOf={() => props.clientId}
      load={async (days) =>
        api('GET /api/insider/clients/:id', {
          params: { id: props.clientId },
          query: { days: String(days) },
        }).then(
          (r) => r.insider,
          () => null,
        )
      }
    />
  )
}

/** Insider of a visitor (On site). */
export function VisitorInsider(props: { visitorId: string }): JSX.Element {
  return (
    <InsiderPanel
      keyOf={() => props.visitorId}
      load={async (days) =>
        // Offline or refused: no panel, not an error on the screen.
        api('GET /api/insider/visitors/:id', {
          params: { id: props.visitorId },
          query: { days: String(days) },
        }).then(
          (r) => r.insider,
          () => null,
        )
      }
    />
  )
}

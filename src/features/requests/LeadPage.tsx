/**
 * A lead (T11; UIS "Работа с заявками"): opening it takes it when it is new and nobody was first (the
 * server decides: one conditional update); otherwise it is read, with who took it — live, from the
 * mirror the `lead.updated` event writes. From it: Call (click-to-call, C3), E-mail (mailto:), and
 * Complete for the one who took it. There is no conversation in a lead.
 */
import { A, useParams } from '@solidjs/router'
import { createEffect, createSignal, on, Show } from 'solid-js'
import { errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { CallButton } from '../calls/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { leadStateText } from './LeadsList.tsx'
import { completeLead, openLead } from './leads.ts'
import { displayText } from './text.ts'
import './requests.css'

/** Route `/requests/leads/:id`. */
export default function LeadPage() {
  const params = useParams<{ id: string }>()
  const lead = createLiveQuery(
    db,
    () => params.id,
    async (d, id) => (await d.leads.get(id)) ?? null,
    null,
  )
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  // Opening is taking (when it is new): once per lead shown.
  createEffect(
    on([() => params.id, db], ([id, d]) => {
      if (!d) return
      setError(null)
      openLead(d, id).catch((e: unknown) => setError(errorText(e)))
    }),
  )
  const mine = () => lead()?.state === 'taken' && lead()?.takenBy === me()?.id
  const takenByOther = () => lead()?.state === 'taken' && !mine()
  const name = () => displayText(lead()?.name ?? '')
  const complete = async () => {
    const d = db()
    const l = lead()
    if (!d || !l) return
    setBusy(true)
    try {
      await completeLead(d, l.id)
      toast(t('leads.completed'))
    } catch (e) {
      toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="page page-fill convo lead-page">
      <header class="convo-head">
        <A href="/requests?view=leads" class="icon-btn" aria-label={t('leads.back')}>
          <ChatIcon name="back" />
        </A>
        <div class="convo-title">
          <h1 class="row-title" dir="auto">
            {name() || t('leads.title')}
          </h1>
          <span class="row-sub">{t('leads.title')}</span>
        </div>
        {/* A lead a colleague took is his to call: others see it, without Call. */}
        <Show when={!takenByOther() && lead()?.phone}>
          {(p) => <CallButton number={p()} label={t('leads.call', { name: name() })} />}
        </Show>
      </header>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={lead()}>
        {(l) => (
          <div class="lead-body">
            <p class="notice small lead-state-line" role="status">
              {mine() ? t('leads.takenByYou') : leadStateText(l())}
            </p>
            <dl class="lead-fields">
              <Show when={l().phone}>
                <dt>{t('leads.phone')}</dt>
                <dd dir="auto">{l().phone}</dd>
              </Show>
              <Show when={l().email}>
                {(email) => (
                  <>
                    <dt>{t('leads.emailLabel')}</dt>
                    <dd dir="auto">
                      <a
                        href={`mailto:${encodeURIComponent(email()).replace(/%40/g, '@')}`}
                        aria-label={t('leads.email', { name: name() })}
                      >
                        {email()}
                      </a>
                    </dd>
                  </>
                )}
              </Show>
              <Show when={l().comment}>
                <dt>{t('leads.comment')}</dt>
                <dd class="lead-comment" dir="auto">
                  {displayText(l().comment)}
                </dd>
              </Show>
              <Show when={l().requestInfo?.landingPage}>
                <dt>{t('leads.page')}</dt>
                <dd class="lead-comment" dir="auto">
                  {l().requestInfo?.landingPage}
                </dd>
              </Show>
            </dl>
            <Show when={mine()}>
              <button
                type="button"
                class="btn btn-primary btn-block"
                disabled={busy()}
                onClick={() => void complete()}
              >
                {t('leads.complete')}
              </button>
            </Show>
          </div>
        )}
      </Show>
    </div>
  )
}

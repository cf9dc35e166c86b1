/** C8 (i): details of one call — duration or failure reason, session ID (copy), recording playback. */
import { A, useParams } from '@solidjs/router'
import { createEffect, createResource, createSignal, onCleanup, Show } from 'solid-js'
import type { CallDetails as Details } from '../../../contract/calls.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { me, token } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { Icon, toast } from '../../lib/ui/index.ts'
import { AddContactPanel } from '../addcontact/index.ts'
import { CallInsider } from '../insider/index.ts'
import { placeCall } from './actions.ts'
import { fixInfiniteDuration } from './audioDuration.ts'
import { kindText } from './CallRow.tsx'
import { callDetails, callParty, fetchRecording, isGuest, lookupNumber, peopleOf } from './data.ts'
import { failureKey } from './failureText.ts'
import { consultText, type MaybeName } from './incomingText.ts'
import { lineLabel } from './lineLabel.ts'
import { bookName } from './phoneNames.ts'
import { deleteRecordingCopy, refusalReasonKey, refusedRecording } from './recordings.ts'
import { isGivenNumber, shownNumber } from './search.ts'
import './calls.css'

function duration(sec: number): string {
  return t('calls.durationValue', { m: Math.floor(sec / 60), s: sec % 60 })
}

/** Route `/calls/:id`. */
export default function CallDetailsPage() {
  const params = useParams<{ id: string }>()
  // The mirror first (offline), the server for the recording link and the latest state.
  const local = createLiveQuery(
    db,
    () => params.id,
    async (d, id) => (await d.calls.get(id)) ?? null,
    null,
  )
  const [remote] = createResource(
    () => params.id,
    (id) => callDetails(db(), id).catch(() => null),
  )
  const call = () => remote() ?? local()
  const people = createLiveQuery(
    db,
    () => undefined,
    async (d) => peopleOf(await d.employees.toArray()),
    peopleOf([]),
  )
  const party = () => {
    const c = call()
    const p = c ? callParty(c, me()?.id ?? null, people()) : { number: '', name: null }
    // A visitor's typed number names nobody for sure (probe 12 UI #9): a book's name is a "maybe".
    if (c && isGivenNumber(c, p.number)) return { ...p, name: null }
    // A4: the phone's own book names the number first when the operator prefers it.
    return { ...p, name: bookName(p.number) ?? p.name }
  }
  const given = () => {
    const c = call()
    return !!c && isGivenNumber(c, party().number)
  }
  // Probe 12 UI #9, as on the call screens: the company's client by that number (his card), else the
  // phone book's name.
  const companyGuess = createLiveQuery(
    db,
    () => (given() ? party().number : ''),
    async (d, n) => (n ? await lookupNumber(d, n) : null),
    null,
  )
  const maybe = (): MaybeName | null => {
    if (!given()) return null
    const book = bookName(party().number)
    return companyGuess() ?? (book ? { name: book, clientId: null } : null)
  }
  const started = (iso: string) => fmtDate(iso, { dateStyle: 'medium', timeStyle: 'short' })
  // C8: a recording the server refused for good stays on this device until the operator deletes it.
  const refused = createLiveQuery(
    db,
    () => call()?.sipCallId ?? '',
    async (d, sipCallId) => (sipCallId ? await refusedRecording(d, sipCallId) : null),
    null,
  )
  const deleteCopy = async (sipCallId: string) => {
    const d = db()
    if (!d) return
    try {
      await deleteRecordingCopy(d, sipCallId)
      toast(t('calls.recordingCopyDeleted'))
    } catch (e) {
      toast(t('calls.actionFailed', { reason: (e as Error).message }), 'error')
    }
  }
  const [audio, setAudio] = createSignal<string | null>(null)
  const [audioState, setAudioState] = createSignal<'idle' | 'loading' | 'failed'>('idle')
  createEffect(() => {
    const r = remote() as Details | null | undefined
    if (!r?.recordingUrl) return
    setAudioState('loading')
    let url: string | null = null
    let gone = false
    fetchRecording(r.recordingUrl, token())
      .then((u) => {
        if (gone) return URL.revokeObjectURL(u)
        url = u
        setAudio(u)
        setAudioState('idle')
      })
      .catch(() => setAudioState('failed'))
    onCleanup(() => {
      gone = true
      if (url) URL.revokeObjectURL(url)
      setAudio(null)
    })
  })
  const copy = async (id: string) => {
    try {
      await navigator.clipboard.writeText(id)
      toast(t('calls.copied'))
    } catch {
      toast(t('calls.actionFailed', { reason: 'clipboard' }), 'error')
    }
  }
  return (
    <div class="page">
      <A href="/calls" class="back">
        ← {t('common.back')}
      </A>
      <h1 class="visually-hidden">{t('calls.detailsTitle')}</h1>
      <Show
        when={call()}
        fallback={
          <Show when={!remote.loading}>
            <p class="empty-small" role="alert">
              {t('calls.notFound')}
            </p>
          </Show>
        }
      >
        {(c) => (
          <>
            <section class="card profile">
              <span class="initial initial-lg" aria-hidden="true">
                {/* A neutral avatar for a number: its "+" looked like a button (as on the incoming screen). */}
                <Show when={party().name} fallback={<Icon name="user" size={28} />}>
                  {(n) => n().charAt(0).toUpperCase()}
                </Show>
              </span>
              <div class="row-main">
                {/* The number on one line (it broke over three lines beside the avatar at 360 px). */}
                <p class="card-title">
                  <Show
                    when={party().name}
                    fallback={<span class="nowrap">{shownNumber(party().number)}</span>}
                  >
                    {(n) => n()}
                  </Show>
                </p>
                <p class="row-sub">{kindText(c(), me()?.id ?? null)}</p>
              </div>
              <button
                type="button"
                class="icon-btn call-back"
                aria-label={t('calls.callBack', { number: party().number })}
                onClick={() => void placeCall(party().number)}
              >
                <Icon name="phone" size={20} />
              </button>
            </section>
            <section class="card">
              <dl class="facts">
                <dt>{t('calls.started')}</dt>
                <dd>{started(c().startedAt)}</dd>
                <Show when={!isGuest(party().number) && party().number}>
                  <dt>{t('calls.phone')}</dt>
                  <dd>
                    <span class="nowrap">{shownNumber(party().number)}</span>
                    <Show when={given()}>
                      <span class="given-tag">{t('calls.givenTag')}</span>
                    </Show>
                  </dd>
                </Show>
                <Show when={maybe()}>
                  {(m) => (
                    <>
                      <dt>{t('calls.maybeLabel')}</dt>
                      <dd data-testid="call-maybe">
                        <Show when={m().clientId} fallback={<span dir="auto">{m().name}</span>}>
                          {(id) => (
                            <A href={`/contacts/clients/${encodeURIComponent(id())}`} dir="auto">
                              {m().name}
                            </A>
                          )}
                        </Show>
                      </dd>
                    </>
                  )}
                </Show>
                <Show when={lineLabel(c())}>
                  {(line) => (
                    <>
                      <dt>{t('calls.virtualNumber')}</dt>
                      <dd>{line()}</dd>
                    </>
                  )}
                </Show>
                <Show when={c().contactId && c().contactName}>
                  <dt>{t('calls.contact')}</dt>
                  <dd>
                    <A href={`/contacts/clients/${encodeURIComponent(c().contactId ?? '')}`}>
                      {c().contactName}
                    </A>
                  </dd>
                </Show>
                <Show when={c().groupName}>
                  <dt>{t('calls.group')}</dt>
                  <dd>{c().groupName}</dd>
                </Show>
                {/* Probe 12 #12, #15: who handed the call over; which client a consultation was about. */}
                <Show when={c().transferredByName}>
                  {(n) => (
                    <>
                      <dt>{t('calls.transferredByLabel')}</dt>
                      <dd>{n()}</dd>
                    </>
                  )}
                </Show>
                <Show when={c().consultAbout}>
                  {(a) => (
                    <>
                      <dt>{t('calls.consultAboutLabel')}</dt>
                      <dd>{consultText(a(), t('calls.siteVisitor'))}</dd>
                    </>
                  )}
                </Show>
                <Show when={c().answeredByName}>
                  {(n) => (
                    <>
                      <dt>{t('calls.answeredByLabel')}</dt>
                      <dd>{n()}</dd>
                    </>
                  )}
                </Show>
                <Show
                  when={c().durationSec !== null && c().answeredAt}
                  fallback={
                    <Show when={c().failureReason || c().failureCode}>
                      <dt>{t('calls.failure')}</dt>
                      <dd>
                        <Show
                          when={failureKey(c().failureCode)}
                          fallback={[c().failureCode, c().failureReason].filter(Boolean).join(' ')}
                        >
                          {(k) => t(k())}
                        </Show>
                      </dd>
                    </Show>
                  }
                >
                  <dt>{t('calls.duration')}</dt>
                  <dd>{duration(c().durationSec ?? 0)}</dd>
                </Show>
              </dl>
              {/* Probe 12 UI #3: the session id is for support, not for the operator's eye — folded. */}
              <details class="support-fold" data-testid="support-fold">
                <summary>{t('calls.supportFold')}</summary>
                <dl class="facts">
                  {/* The SIP code and phrase as the PBX gave them (the Reason above says it in words). */}
                  <Show when={c().failureCode}>
                    <dt>{t('calls.sipResponse')}</dt>
                    <dd>{[c().failureCode, c().failureReason].filter(Boolean).join(' ')}</dd>
                  </Show>
                  <dt>{t('calls.sessionId')}</dt>
                  <dd class="session-id">
                    <code>{c().sipCallId}</code>
                    <button type="button" class="btn btn-small" onClick={() => void copy(c().sipCallId)}>
                      {t('calls.copy')}
                    </button>
                  </dd>
                </dl>
              </details>
            </section>
            {/* K3: an unknown number can become a client, or another number of one. */}
            <Show when={!c().contactId}>
              <AddContactPanel phone={party().number} callId={c().id} />
            </Show>
            {/* I1: who called from the site, what he read — after the call too. */}
            <CallInsider sipCallId={c().sipCallId} />
            <section class="card">
              <h2>{t('calls.recording')}</h2>
              <Show
                when={audio()}
                fallback={
                  <p class="muted small" role={audioState() === 'failed' ? 'alert' : undefined}>
                    {audioState() === 'loading'
                      ? t('calls.recordingLoading')
                      : audioState() === 'failed'
                        ? t('calls.recordingFailed')
                        : remote.loading
                          ? t('app.loading')
                          : t('calls.noRecording')}
                  </p>
                }
              >
                {(src) => (
                  // biome-ignore lint/a11y/useMediaCaption: a call recording has no caption track; it is the call itself.
                  <audio
                    class="recording"
                    controls
                    preload="metadata"
                    src={src()}
                    aria-label={t('calls.recordingPlayer')}
                    ref={(el) => onCleanup(fixInfiniteDuration(el))}
                  />
                )}
              </Show>
              <Show when={refused()}>
                {(r) => (
                  <div class="recording-refused">
                    <p class="small" role="alert">
                      {t('calls.recordingRefused', { reason: t(refusalReasonKey(r().lastError)) })}
                    </p>
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() => void deleteCopy(r().payload.sipCallId)}
                    >
                      {t('calls.deleteRecordingCopy')}
                    </button>
                  </div>
                )}
              </Show>
            </section>
          </>
        )}
      </Show>
    </div>
  )
}

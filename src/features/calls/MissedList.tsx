/**
 * The shared Missed list (C9, issue 11 §4): sections per group called (mine first, or only mine with
 * the filter), one row per caller with a count, "Mark handled" as a labelled button and Undo. The
 * Undo/error line sits in the page's flow above the list, so it pushes the list down and never covers
 * a row (the app's toasts float over the bottom of the screen).
 */
import { A } from '@solidjs/router'
import { createComputed, createSignal, For, onCleanup, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { CallView } from '../../../contract/calls.ts'
import { errorText } from '../../lib/api/index.ts'
import { type CountForms, t, tCount } from '../../lib/i18n/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { Icon } from '../../lib/ui/index.ts'
import { placeCall } from './actions.ts'
import { CallIcon } from './CallIcon.tsx'
import { when } from './CallRow.tsx'
import { isGuest } from './data.ts'
import { lineLabel } from './lineLabel.ts'
import { groupsOf, type MissedFilter, type MissedFold, type MissedSection, missedSections } from './missed.ts'
import { markCalls, undoMarks } from './missed-data.ts'
import { NumberButton } from './NumberButton.tsx'
import { bookName } from './phoneNames.ts'
import { givenNumber, isGivenNumber, shownNumber } from './search.ts'
import './missed.css'

const [filter, setFilter] = createSignal<MissedFilter>('all')
/** "2 раза" / "2 times": how often a folded caller called. */
const TIMES: CountForms = {
  one: 'missed.times.one',
  few: 'missed.times.few',
  many: 'missed.times.many',
  other: 'missed.times.other',
}
/** How long Undo stays offered after a mark. */
const UNDO_MS = 10_000

type Notice = { kind: 'marked'; ids: string[]; who: string } | { kind: 'error'; text: string }

/** The Missed tab's list; `calls` are the mirror's open missed calls, newest first. */
export function MissedList(props: {
  calls: readonly CallView[]
  meId: string | null
  party: (c: CallView) => { number: string; name: string | null }
}) {
  const groups = createLiveQuery(
    db,
    () => undefined,
    (d) => d.groups.toArray(),
    [],
  )
  const mine = () => groupsOf(groups(), props.meId)
  // Reconciled by key into a store: a row keeps its DOM when calls arrive or change (a menu or button
  // the operator is pressing is never rebuilt under the tap — as VirtualList does for the other lists).
  const [view, setView] = createStore<{ sections: MissedSection[] }>({ sections: [] })
  createComputed(() =>
    setView(
      'sections',
      reconcile(missedSections(props.calls, mine(), filter()), { key: 'key', merge: true }),
    ),
  )
  const sections = () => view.sections
  const [notice, setNotice] = createSignal<Notice | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  const say = (n: Notice | null) => {
    clearTimeout(timer)
    setNotice(n)
    if (n) timer = setTimeout(() => setNotice(null), UNDO_MS)
  }
  onCleanup(() => clearTimeout(timer))
  const marked = () => {
    const n = notice()
    return n?.kind === 'marked' ? n : null
  }
  const failed = () => {
    const n = notice()
    return n?.kind === 'error' ? n.text : null
  }

  const who = (f: MissedFold) => {
    const p = props.party(f.latest)
    // The number as the row showed it (C8: one format everywhere), not the raw E.164.
    return bookName(p.number) ?? p.name ?? f.givenName ?? givenNumber(f.latest, p.number)
  }
  const mark = async (f: MissedFold) => {
    try {
      const ids = await markCalls(
        db(),
        f.calls.map((c) => c.id),
        props.meId,
      )
      say({ kind: 'marked', ids, who: who(f) })
    } catch (e) {
      say({ kind: 'error', text: errorText(e) })
    }
  }
  const undo = async (ids: string[]) => {
    try {
      await undoMarks(db(), ids)
      say(null)
    } catch (e) {
      say({ kind: 'error', text: errorText(e) })
    }
  }

  return (
    <>
      <fieldset class="missed-filter">
        <legend class="visually-hidden">{t('missed.filter')}</legend>
        <button type="button" aria-pressed={filter() === 'all'} onClick={() => setFilter('all')}>
          {t('missed.filterAll')}
        </button>
        <button type="button" aria-pressed={filter() === 'mine'} onClick={() => setFilter('mine')}>
          {t('missed.filterMine')}
        </button>
      </fieldset>
      <Show when={marked()}>
        {(m) => (
          <div class="missed-notice" role="status">
            <span class="missed-notice-text">{t('missed.markedWho', { name: m().who })}</span>
            <Show when={m().ids.length > 0}>
              <button type="button" class="btn btn-ghost missed-undo" onClick={() => void undo(m().ids)}>
                {t('missed.undo')}
              </button>
            </Show>
          </div>
        )}
      </Show>
      <Show when={failed()}>
        {(text) => (
          <div class="missed-notice missed-notice-error" role="alert">
            {text()}
          </div>
        )}
      </Show>
      <Show
        when={sections().length > 0}
        fallback={
          <p class="empty-small">
            {filter() === 'mine' && props.calls.length > 0 ? t('missed.noneMine') : t('calls.noMissed')}
          </p>
        }
      >
        <div class="missed-list">
          <For each={sections()}>
            {(s) => (
              <section class="missed-section" aria-label={s.groupName ?? t('missed.noGroup')}>
                <h2 class="missed-group">
                  <span>{s.groupName ?? t('missed.noGroup')}</span>
                  <Show when={s.mine}>
                    <span class="missed-mine">{t('missed.myGroup')}</span>
                  </Show>
                </h2>
                <ul class="missed-rows">
                  <For each={s.folds}>
                    {(f) => (
                      <li>
                        <MissedRow fold={f} party={props.party(f.latest)} onMark={() => void mark(f)} />
                      </li>
                    )}
                  </For>
                </ul>
              </section>
            )}
          </For>
        </div>
      </Show>
    </>
  )
}

/** One caller's row: name or number, the newest call's time, the count, and what can be done. */
function MissedRow(props: {
  fold: MissedFold
  party: { number: string; name: string | null }
  onMark: () => void
}) {
  const c = () => props.fold.latest
  const num = () => props.party.number
  const count = () => props.fold.calls.length
  // A4: the phone's own book names the number first when the operator prefers it.
  const book = () => bookName(num())
  return (
    <div
      class="row call-row call-missed missed-row"
      classList={{ 'missed-callback': props.fold.callbackRequest }}
    >
      <span class="call-dir">
        <CallIcon name="missed" size={18} />
      </span>
      <span class="row-main">
        <span class="row-title">
          <Show
            when={c().contactName && c().contactId}
            fallback={
              <Show
                when={book() ?? props.fold.givenName}
                fallback={
                  <Show when={!isGuest(num())} fallback={shownNumber(num())}>
                    <NumberButton number={num()} label={shownNumber(num())} />
                  </Show>
                }
              >
                {(n) => <span class="missed-given">{n()}</span>}
              </Show>
            }
          >
            <A href={`/contacts/clients/${encodeURIComponent(c().contactId ?? '')}`}>
              {book() ?? c().contactName}
            </A>
          </Show>
        </span>
        <Show when={(book() ?? props.fold.givenName) && !c().contactId}>
          <span class="row-sub">
            <NumberButton number={num()} label={shownNumber(num())} />
          </span>
        </Show>
        <span class="row-sub">
          <Show
            when={props.fold.callbackRequest}
            fallback={<span class="call-kind">{t('calls.dir.missed')}</span>}
          >
            <span class="call-kind">{t('missed.callbackRequest')}</span>
          </Show>
          {/* Probe 12 UI #13: the count in words on this line (a "×2" after a long name went under the
              call button). */}
          <Show when={count() > 1}>
            {' · '}
            <span class="missed-count">{tCount(TIMES, count())}</span>
          </Show>
          {' · '}
          <time dateTime={c().startedAt}>{when(c().startedAt)}</time>
          <Show when={isGivenNumber(c(), num())}>
            {' · '}
            <span class="given-tag">{t('calls.givenTag')}</span>
          </Show>
          {/* Probe 11 finding 11: the line's name ("via Sales"), as history says it, not its digits. */}
          <Show when={lineLabel(c())}>{(v) => ` · ${t('calls.via', { number: v() })}`}</Show>
        </span>
      </span>
      <button
        type="button"
        class="icon-btn call-back"
        aria-label={t('calls.callBack', { number: num() })}
        onClick={() => void placeCall(num())}
      >
        <Icon name="phone" size={20} />
      </button>
      <A
        class="icon-btn info"
        href={`/calls/${encodeURIComponent(c().id)}`}
        aria-label={t('calls.details', { number: num() })}
      >
        <CallIcon name="info" size={24} />
      </A>
      {/* The action on a line of its own under the row: it fits at 360 px in both languages. */}
      <span class="missed-actions">
        <button type="button" class="btn missed-mark" onClick={() => props.onMark()}>
          {t('missed.markHandled')}
        </button>
      </span>
    </div>
  )
}

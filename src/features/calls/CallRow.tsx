/** One call in the history or missed list (C8, C9): direction, time, numbers, contact, call back, (i). */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import type { CallView } from '../../../contract/calls.ts'
import { errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { db } from '../../lib/store/index.ts'
import { Icon, toast } from '../../lib/ui/index.ts'
import { placeCall } from './actions.ts'
import { CallIcon, type CallIconName } from './CallIcon.tsx'
import { isGuest, markHandled } from './data.ts'
import { durationText } from './historyList.ts'
import { lineLabel } from './lineLabel.ts'
import { type MissLabel, missLabel } from './missedBy.ts'
import { NumberButton } from './NumberButton.tsx'
import { bookName } from './phoneNames.ts'
import { isGivenNumber, shownNumber } from './search.ts'

type Kind = 'in' | 'out' | 'internal' | 'missed' | 'failed'

/** How a row is labelled: missed and failed calls say so instead of their direction. */
export function rowKind(c: CallView): Kind {
  if (c.missed) return 'missed'
  if (c.state === 'failed') return 'failed'
  return c.direction
}

const ICON: Record<Kind, CallIconName> = {
  in: 'in',
  out: 'out',
  internal: 'internal',
  missed: 'missed',
  failed: 'failed',
}

/** A row's kind in words: a call that rang me and I never got says so ("Missed transfer from Anna"). */
export function kindText(c: CallView, meId: string | null): string {
  const m = missLabel(c, meId)
  return m ? missText(m) : t(`calls.dir.${rowKind(c)}`)
}

function missText(m: MissLabel): string {
  return 'name' in m ? t(m.key, { name: m.name }) : t(m.key)
}

/** Today: time only; otherwise date and time, in the UI language. */
export function when(iso: string): string {
  const d = new Date(iso)
  const sameDay = d.toDateString() === new Date().toDateString()
  return fmtDate(d, sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' })
}

/** How many lines the row needs under its title: the number (under a name), the line called / "given" tag. */
export function linesOf(c: CallView, name: string | null, number: string): number {
  return (name && !isGuest(number) ? 1 : 0) + (lineLabel(c) !== null || isGivenNumber(c, number) ? 1 : 0)
}

/**
 * A history row's height as first estimated: two lines, plus the number and the line called, plus
 * the story. The list measures the row once it renders (a long name wraps: probe 12 UI #8).
 */
export function callRowHeight(c: CallView, party: { number: string; name: string | null }, story: boolean) {
  return 76 + 18 * (linesOf(c, party.name, party.number) + (story ? 1 : 0))
}

/** A call row; `missedList` adds "Mark handled" (C9). */
export function CallRow(props: {
  call: CallView
  missedList: boolean
  party: { number: string; name: string | null }
  /** C8 All calls: say who answered. */
  showAnswerer?: boolean
  /** C8: the people a transferred call went through ("Anna → Bob"); empty when never transferred. */
  chain?: string[]
  /** Probe 12 #12: who reads the list (a transfer that rang him and he never got says so). */
  meId?: string | null
}) {
  const c = () => props.call
  const kind = (): Kind => (missLabel(c(), props.meId ?? null) ? 'missed' : rowKind(c()))
  const num = () => props.party.number
  // A4: the phone's own book names the number first when the operator prefers it.
  const name = () => bookName(num()) ?? props.party.name
  const shown = () => shownNumber(num())
  const given = () => isGivenNumber(c(), num())
  const handled = () => {
    const x = c()
    if (!x.missed || !x.handledByName) return null
    return x.handledHow === 'callback'
      ? t('calls.calledBackBy', { name: x.handledByName })
      : t('calls.handledBy', { name: x.handledByName })
  }
  const story = () => {
    const chain = props.chain ?? []
    if (chain.length > 1) return t('calls.chain', { chain: chain.join(' → ') })
    const x = c()
    if (props.showAnswerer && x.answeredByName && x.direction !== 'internal')
      return t('calls.answeredBy', { name: x.answeredByName })
    return null
  }
  const mark = () =>
    void markHandled(db(), c().id)
      .then(() => toast(t('calls.marked')))
      .catch((e: unknown) => toast(errorText(e), 'error'))
  return (
    <div class={`row call-row call-${kind()}`}>
      <span class="call-dir">
        <CallIcon name={ICON[kind()]} size={18} />
      </span>
      <span class="row-main">
        <span class="row-title">
          <Show
            when={c().contactName && c().contactId}
            fallback={
              <Show
                when={!name() && c().direction !== 'internal' && !isGuest(num())}
                fallback={name() ?? shown()}
              >
                <NumberButton number={num()} label={shown()} />
              </Show>
            }
          >
            <A href={`/contacts/clients/${encodeURIComponent(c().contactId ?? '')}`}>
              {bookName(num()) ?? c().contactName}
            </A>
          </Show>
        </span>
        {/* Probe 11 finding 11: at 360 px the kind and time may end in "…", the duration never does. */}
        <span class="row-sub call-sub">
          <span class="call-sub-text">
            <span class="call-kind">{kindText(c(), props.meId ?? null)}</span>
            {' · '}
            <time dateTime={c().startedAt}>{when(c().startedAt)}</time>
          </span>
          <Show when={durationText(c())}>
            {(d) => (
              <span class="call-duration">
                <span class="visually-hidden">{t('calls.duration')} </span>
                {d()}
              </span>
            )}
          </Show>
        </span>
        {/* Probe 12 UI #8: under a name, the number has a line of its own, and the line called with the
            "given by visitor" tag another (one line for the three cut "на Sales · со слов посетителя"). */}
        <Show when={name() && !isGuest(num())}>
          <span class="row-sub call-line">
            <Show when={c().direction !== 'internal'} fallback={num()}>
              <NumberButton number={num()} />
            </Show>
          </span>
        </Show>
        <Show when={lineLabel(c()) || given()}>
          <span class="row-sub call-row-via">
            <Show when={lineLabel(c())}>{(v) => t('calls.via', { number: v() })}</Show>
            <Show when={given()}>
              <Show when={lineLabel(c())}>{' · '}</Show>
              <span class="given-tag">{t('calls.givenTag')}</span>
            </Show>
          </span>
        </Show>
        <Show when={story()}>{(s) => <span class="row-sub call-story">{s()}</span>}</Show>
        <Show when={handled()}>{(h) => <span class="row-sub handled">{h()}</span>}</Show>
      </span>
      <Show when={props.missedList}>
        <button
          type="button"
          class="icon-btn mark-btn"
          aria-label={t('calls.markHandled', { number: num() })}
          title={t('calls.markHandledShort')}
          onClick={mark}
        >
          <CallIcon name="check" size={22} />
        </button>
      </Show>
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
    </div>
  )
}

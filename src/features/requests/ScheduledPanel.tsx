/**
 * Above the composer of a chat whose channel allows it (T12): the messages scheduled in it, each
 * editable (text, time) and cancellable until sent, and the "Send later" form the composer opens.
 */
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import type { ScheduledView } from '../../../contract/leads.ts'
import { errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import {
  cancelScheduled,
  editScheduled,
  listScheduled,
  localInputValue,
  scheduledTick,
  scheduleMessage,
} from './scheduled.ts'
import { displayText } from './text.ts'

const when = (iso: string) => fmtDate(new Date(iso), { dateStyle: 'short', timeStyle: 'short' })

/** Text and time, for a new scheduled message or an edit. */
function ScheduleForm(props: {
  text: string
  at: Date
  submitLabel: string
  onSubmit: (text: string, at: Date) => Promise<void>
  onClose: () => void
}) {
  const [text, setText] = createSignal(props.text)
  const [at, setAt] = createSignal(localInputValue(props.at))
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!text().trim()) return setError(t('scheduled.needText'))
    if (Number.isNaN(new Date(at()).getTime())) return setError(t('scheduled.needTime'))
    setBusy(true)
    try {
      await props.onSubmit(text().trim(), new Date(at()))
      props.onClose()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    // noValidate: a time typed with seconds must not be refused by the minute step; the server checks
    // the time is in the future (E_SCHEDULE_PAST, said in the form).
    <form class="schedule-form" noValidate onSubmit={(e) => void submit(e)}>
      <label class="small schedule-field">
        <span>{t('scheduled.text')}</span>
        <textarea
          class="composer-input"
          rows={2}
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <label class="small schedule-field">
        <span>{t('scheduled.when')}</span>
        <input
          type="datetime-local"
          step={60}
          required
          min={localInputValue(new Date())}
          value={at()}
          onInput={(e) => setAt(e.currentTarget.value)}
        />
      </label>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
      <div class="schedule-actions">
        <button type="submit" class="btn btn-primary btn-small" disabled={busy()}>
          {props.submitLabel}
        </button>
        <button
          type="button"
          class="icon-btn"
          aria-label={t('scheduled.close')}
          title={t('scheduled.close')}
          onClick={props.onClose}
        >
          <ChatIcon name="close" />
        </button>
      </div>
    </form>
  )
}

function ScheduledItem(props: { s: ScheduledView }) {
  const [editing, setEditing] = createSignal(false)
  const cancel = async () => {
    try {
      await cancelScheduled(props.s.id)
      toast(t('scheduled.cancelled'))
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  return (
    <li class="scheduled-item">
      <Show
        when={!editing()}
        fallback={
          <ScheduleForm
            text={props.s.text}
            at={new Date(props.s.sendAt)}
            submitLabel={t('scheduled.save')}
            onSubmit={async (text, at) => {
              await editScheduled(props.s.id, text, at)
              toast(t('scheduled.saved'))
            }}
            onClose={() => setEditing(false)}
          />
        }
      >
        <ChatIcon name="clock" size={18} />
        <span class="scheduled-text" dir="auto">
          {displayText(props.s.text)}
        </span>
        <time class="small muted" dateTime={props.s.sendAt}>
          {t('scheduled.at', { time: when(props.s.sendAt) })}
        </time>
        <button
          type="button"
          class="icon-btn"
          aria-label={t('scheduled.edit', { time: when(props.s.sendAt) })}
          title={t('scheduled.edit', { time: when(props.s.sendAt) })}
          onClick={() => setEditing(true)}
        >
          <ChatIcon name="edit" size={18} />
        </button>
        <button
          type="button"
          class="icon-btn"
          aria-label={t('scheduled.cancel', { time: when(props.s.sendAt) })}
          title={t('scheduled.cancel', { time: when(props.s.sendAt) })}
          onClick={() => void cancel()}
        >
          <ChatIcon name="delete" size={18} />
        </button>
      </Show>
    </li>
  )
}

/** How long after a message's time the list is read again if no event said it went (then every 15 s). */
const RECHECK_AFTER_MS = 3_000
const RECHECK_EVERY_MS = 15_000

/**
 * The chat's scheduled messages and, when `draft` is set, the form that schedules one. The list
 * follows the `scheduled.updated` event; two things keep it true when an event was missed (a
 * reconnect after a server restart): a message already in the chat (`sent`, by the scheduled id it
 * was sent with) is not listed, and once a message's time has passed the list is read again.
 */
export function ScheduledPanel(props: {
  chatId: string
  draft: string | null
  onDraftDone: () => void
  /** Whether the chat already holds the message sent with this client id. */
  sent?: (clientMsgId: string) => boolean
}) {
  const [list, { refetch }] = createResource(
    () => props.chatId,
    (id) => listScheduled(id).catch(() => [] as ScheduledView[]),
    { initialValue: [] },
  )
  createEffect(
    on(
      () => scheduledTick(props.chatId),
      () => void refetch(),
      { defer: true },
    ),
  )
  const shown = createMemo(() => list().filter((s) => !props.sent?.(s.id)))
  createEffect(() => {
    const due = shown().reduce((m, s) => Math.min(m, Date.parse(s.sendAt)), Number.POSITIVE_INFINITY)
    if (!Number.isFinite(due)) return
    const wait = Math.max(due + RECHECK_AFTER_MS - Date.now(), RECHECK_EVERY_MS * (due < Date.now() ? 1 : 0))
    const timer = setTimeout(() => void refetch(), Math.min(wait, 2 ** 31 - 1))
    onCleanup(() => clearTimeout(timer))
  })
  return (
    <div class="scheduled-panel">
      <Show when={shown().length > 0}>
        <ul class="scheduled-list" aria-label={t('scheduled.list')}>
          <For each={shown()}>{(s) => <ScheduledItem s={s} />}</For>
        </ul>
      </Show>
      <Show when={props.draft !== null}>
        <ScheduleForm
          text={props.draft ?? ''}
          at={new Date(Date.now() + 3600_000)}
          submitLabel={t('scheduled.schedule')}
          onSubmit={async (text, at) => {
            await scheduleMessage(props.chatId, text, at)
            toast(t('scheduled.done'))
          }}
          onClose={props.onDraftDone}
        />
      </Show>
    </div>
  )
}

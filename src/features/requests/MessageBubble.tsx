/**
 * One message (T4): the quote it replies to (tap scrolls to it), its text (always text, never HTML),
 * its file, the time, and for the operator's own messages the delivery state — sending (outbox),
 * sent, delivered, read, failed with Retry. Reply by swiping right or from the actions menu; Copy.
 */
import { createSignal, Match, Show, Switch } from 'solid-js'
import { fmtDate, t, tError } from '../../lib/i18n/index.ts'
import type { MessageRow, OutboxItem } from '../../lib/store/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { Attachment } from './Attachment.tsx'
import { ChatIcon } from './ChatIcon.tsx'
import { localState } from './send.ts'
import { messageLine, shownText } from './text.ts'

export interface BubbleActions {
  reply: (m: MessageRow) => void
  goTo: (id: string) => void
  retry: (m: MessageRow) => void
  discard: (m: MessageRow) => void
}

type Shown = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'refused'

/** Why the server refused a message: its error code's text (E_FILE_TYPE…), else the plain fact. */
function refusalText(error: string | null): string {
  // `E_CHAT_CONFLICT|<chat id>`: the code, then where the message may go instead (T9).
  return error?.startsWith('E_') ? tError(error.split('|')[0] as string) : t('chat.state.failed')
}

const GLYPH: Record<Shown, string> = {
  queued: '🕓',
  sending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!',
  refused: '!',
}

/** A local message's outbox item, as the bubble needs it. */
export type Pending = Pick<OutboxItem, 'state' | 'attempts' | 'lastError'>

/** The delivery state an operator message shows: its outbox item's while local, else the server's. */
export function shownState(m: MessageRow, item: Pending | undefined): Shown {
  return m.local ? localState(item) : m.delivery
}

/** A message bubble; `quoted` is the message it replies to when mirrored. */
export function MessageBubble(props: {
  message: MessageRow
  quoted: MessageRow | null
  canReply: boolean
  actions: BubbleActions
  pending?: Pending | undefined
}) {
  const m = () => props.message
  const mine = () => m().author === 'operator'
  const [menu, setMenu] = createSignal(false)
  const [dx, setDx] = createSignal(0)
  let startX = 0
  let startY = 0
  let tracking = false
  const copy = () => {
    setMenu(false)
    void navigator.clipboard
      ?.writeText(m().text || messageLine(m()))
      .then(() => toast(t('chat.copied')))
      .catch(() => undefined)
  }
  const reply = () => {
    setMenu(false)
    props.actions.reply(m())
  }
  const state = () => shownState(m(), props.pending)
  const refusal = () => props.pending?.lastError ?? null
  const stateLabel = () =>
    state() === 'refused'
      ? t('chat.state.refused', { reason: refusalText(refusal()) })
      : t(`chat.state.${state() as Exclude<Shown, 'refused'>}`)
  return (
    <div
      class={`msg msg-${m().author}`}
      classList={{ 'msg-pending': !!m().local }}
      data-msg-id={m().id}
      style={{ transform: dx() ? `translateX(${dx()}px)` : undefined }}
      onPointerDown={(e) => {
        if (!props.canReply || e.pointerType === 'mouse') return
        tracking = true
        startX = e.clientX
        startY = e.clientY
      }}
      onPointerMove={(e) => {
        if (!tracking) return
        const x = e.clientX - startX
        if (Math.abs(e.clientY - startY) > 30) {
          tracking = false
          setDx(0)
          return
        }
        setDx(Math.max(0, Math.min(80, x)))
      }}
      onPointerUp={() => {
        if (tracking && dx() >= 60) props.actions.reply(m())
        tracking = false
        setDx(0)
      }}
      onPointerCancel={() => {
        tracking = false
        setDx(0)
      }}
    >
      <div class="msg-bubble">
        <Show when={m().author !== 'operator' && m().author !== 'client'}>
          <span class="msg-author small muted">{t('chat.system')}</span>
        </Show>
        <Show when={m().replyToId}>
          <button
            type="button"
            class="msg-quote"
            dir="auto"
            onClick={() => m().replyToId && props.actions.goTo(m().replyToId as string)}
            aria-label={t('chat.quote', { text: props.quoted ? messageLine(props.quoted) : '…' })}
          >
            {props.quoted ? messageLine(props.quoted) : '…'}
          </button>
        </Show>
        <Show when={m().file}>
          {(f) => (
            <Attachment
              file={f()}
              blob={m().blob}
              voice={m().kind === 'voice'}
              noPreview={!!m().local && state() === 'refused'}
            />
          )}
        </Show>
        <Show when={m().text}>
          <p class="msg-text" dir="auto">
            {shownText(m())}
          </p>
        </Show>
        <span class="msg-meta">
          <time dateTime={m().at}>{fmtDate(m().at, { timeStyle: 'short' })}</time>
          <Show when={mine()}>
            <span class={`msg-state st-${state()}`} role="img" aria-label={stateLabel()} title={stateLabel()}>
              <Show when={state() === 'queued' || state() === 'sending'} fallback={GLYPH[state()]}>
                <ChatIcon name="clock" size={14} />
              </Show>
            </span>
          </Show>
        </span>
      </div>
      <Switch>
        <Match when={state() === 'refused'}>
          {/* Refused for good (type, size…): the reason in words, and only Delete — a retry would be refused again. */}
          <span class="msg-fail">
            <span class="msg-fail-why small" role="alert">
              {refusalText(refusal())}
            </span>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => props.actions.discard(m())}>
              {t('chat.discard')}
            </button>
          </span>
        </Match>
        <Match when={state() === 'failed'}>
          <span class="msg-fail">
            {/* Why (the delivery job's reason, short and translated): e.g. no SMTP relay set up. */}
            <Show when={!m().local && m().failReason}>
              {(r) => <span class="msg-fail-why small">{t(`chat.failReason.${r()}`)}</span>}
            </Show>
            {/* The provider's readable reason (`ru / en`, server-made), shown as text. */}
            <Show when={!m().local && m().failReason && m().failDetail}>
              {(d) => <span class="msg-fail-detail small">{d()}</span>}
            </Show>
            <button type="button" class="btn btn-small" onClick={() => props.actions.retry(m())}>
              {t('chat.retry')}
            </button>
          </span>
        </Match>
      </Switch>
      {/* A system line (the chat ended…) has nothing to reply to or copy. */}
      <Show when={m().author !== 'system'}>
        <div class="msg-menu-wrap">
          <button
            type="button"
            class="icon-btn msg-more"
            aria-label={t('chat.actions')}
            aria-expanded={menu()}
            aria-haspopup="menu"
            onClick={() => setMenu(!menu())}
          >
            <ChatIcon name="more" size={18} />
          </button>
          <Show when={menu()}>
            <div class="msg-menu" role="menu">
              <Show when={props.canReply && !m().local}>
                <button type="button" role="menuitem" class="msg-menu-item" onClick={reply}>
                  {t('chat.reply')}
                </button>
              </Show>
              <Show when={m().text}>
                <button type="button" role="menuitem" class="msg-menu-item" onClick={copy}>
                  {t('chat.copy')}
                </button>
              </Show>
            </div>
          </Show>
        </div>
      </Show>
    </div>
  )
}

/**
 * A conversation (T3, T4): header with the client and channel (the name gets the room), Call (C3) and
 * the ⋮ menu (request info, transfer, Complete, Send to CRM); the messages; and
 * below them what the operator may do now — Accept a New chat, write in his own chat, or read a
 * chat a colleague took or that is completed. Opening a New chat asks the server (`open`): with the
 * employee's Accept button off, opening takes it.
 */
import { A, useNavigate, useParams } from '@solidjs/router'
import { createEffect, createSignal, Match, on, onCleanup, Show, Switch } from 'solid-js'
import { CHANNEL_CAPABILITIES, MESSAGES_PAGE } from '../../../contract/chats.ts'
import { ApiError, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { offline } from '../../lib/net/index.ts'
import { phoneBookName } from '../../lib/phonebook/index.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db, type MessageRow, type OutboxItem } from '../../lib/store/index.ts'
import { ConfirmDialog, toast } from '../../lib/ui/index.ts'
import { CallButton } from '../calls/index.ts'
import { ChatInsider } from '../insider/index.ts'
import { Composer, type Outgoing } from './Composer.tsx'
import type { Pending } from './MessageBubble.tsx'
import { type ListControl, MessageList } from './MessageList.tsx'
import { localMessages, oldestN } from './mirror.ts'
import { acceptChat, completeChat, loadMessages, markRead, openChat, refreshChat } from './remote.ts'
import { type Composed, compose, conflictTarget, discardMessage, resendInto, retryMessage } from './send.ts'
import { TransferDialog } from './TransferDialog.tsx'
import { channelText, clientNameText } from './text.ts'
import './requests.css'
import { AddContactSheet, bookReadOnly } from '../addcontact/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import ChatInfoSheet from './ChatInfoSheet.tsx'
import { ChatMenu, type ChatMenuItem } from './ChatMenu.tsx'
import { ScheduledPanel } from './ScheduledPanel.tsx'

/** Route `/requests/:id`. */
export default function ConversationPage() {
  const params = useParams<{ id: string }>()
  const navigate = useNavigate()
  const meId = () => me()?.id ?? null
  const chat = createLiveQuery(
    db,
    () => params.id,
    async (d, id) => (await d.chats.get(id)) ?? null,
    null,
  )
  const [limit, setLimit] = createSignal(MESSAGES_PAGE)
  const messages = createLiveQuery(
    db,
    () => ({ id: params.id, limit: limit() }),
    (d, k) => localMessages(d, k.id, k.limit),
    [] as MessageRow[],
  )
  // The outbox items of this chat: the state each local message shows (N3).
  const pending = createLiveQuery(
    db,
    () => params.id,
    async (d, id) => {
      const out: Record<string, Pending> = {}
      for (const r of await d.outbox.where('[key+seq]').between([id, -Infinity], [id, Infinity]).toArray())
        out[r.id] = { state: r.state, attempts: r.attempts, lastError: r.lastError }
      return out
    },
    {} as Record<string, Pending>,
  )
  const [replyTo, setReplyTo] = createSignal<MessageRow | null>(null)
  /** T12: the text the composer handed to "Send later" (the form is open while it is not null). */
  const [later, setLater] = createSignal<string | null>(null)
  // T6: where the client came from, on demand.
  const [showInfo, setShowInfo] = createSignal(false)
  /** K3: the Add to contacts panel, opened from the ⋮ menu. */
  const [adding, setAdding] = createSignal(false)
  const [forbidden, setForbidden] = createSignal(false)
  // A new status may allow it: Accept is offered again (the server checks once more).
  createEffect(
    on(
      () => me()?.status,
      () => setForbidden(false),
      { defer: true },
    ),
  )
  const [busy, setBusy] = createSignal(false)
  // The chat whose open is in flight or just took it: Accept stays hidden until the answer is in the
  // mirror, so an operator with the Accept button off never sees it flash (and tap it) first.
  const [settling, setSettling] = createSignal<string | null>(null)
  createEffect(
    on(
      () => chat()?.state,
      (s) => {
        if (s !== undefined && s !== 'new') setSettling(null)
      },
    ),
  )
  let list: ListControl | undefined

  // On open: the chat's latest state (open takes it when the Accept button is off), then its newest page.
  createEffect(
    on([() => params.id, db], ([id, d]) => {
      if (!d) return
      setReplyTo(null)
      setLimit(MESSAGES_PAGE)
      setSettling(id)
      void (async () => {
        const local = await d.chats.get(id)
        try {
          const v =
            local?.state === 'completed' || (local?.state === 'active' && local.assigneeId !== meId())
              ? await refreshChat(d, id)
              : await openChat(d, id)
          if (v.state === 'new' && settling() === id) setSettling(null)
        } catch (e) {
          if (settling() === id) setSettling(null)
          if (e instanceof ApiError && e.code === 'E_STATUS_FORBIDS') setForbidden(true)
          else if (e instanceof ApiError && e.status === 404) {
            toast(errorText(e), 'error')
            navigate('/requests', { replace: true })
            return
          } else if (!(e instanceof ApiError && e.code === 'E_NETWORK')) console.error('chat open', e)
        }
        await loadMessages(d, id).catch(() => undefined)
      })()
    }),
  )

  const mine = () => chat()?.state === 'active' && chat()?.assigneeId === meId()
  // T9: a completed chat of an external channel is resumed by writing in it (website chat is not).
  const resumable = () => chat()?.state === 'completed' && chat()?.channel !== 'webchat'
  const [transferring, setTransferring] = createSignal(false)
  // T9: messages a resume refused because the client has another active chat (kept in the outbox).
  const conflicted = createLiveQuery(
    db,
    () => params.id,
    (d, id) =>
      d.outbox
        .where('[key+seq]')
        .between([id, -Infinity], [id, Infinity])
        .filter((r) => r.state === 'refused' && conflictTarget(r.lastError) !== null)
        .toArray(),
    [] as OutboxItem[],
  )
  const resend = async () => {
    const d = db()
    const items = conflicted()
    const target = conflictTarget(items[0]?.lastError)
    if (!d || !target) return
    try {
      // The active chat may still wait in New (the client wrote again): take it first (a no-op if mine).
      await acceptChat(d, target)
      const n = await resendInto(d, author(), items, target)
      toast(t('chatResume.resent', { n }))
      navigate(`/requests/${encodeURIComponent(target)}`)
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const takenBy = () => {
    const c = chat()
    return c?.state === 'active' && c.assigneeId !== meId() ? c.assigneeName : null
  }
  /** What the composer holds unsent (kept on screen if the chat is completed meanwhile). */
  const [draft, setDraft] = createSignal('')
  // A4: the phone's own book names a client's number first when the operator prefers it.
  const name = () => phoneBookName(chat()?.clientPhone) ?? clientNameText(chat()?.clientName)
  const clientName = () => (chat()?.clientName ? clientNameText(chat()?.clientName) : null)
  /** The header's ⋮ menu (as UIS has it): request info, and for my chat transfer and complete. */
  const menuItems = (): ChatMenuItem[] => [
    { label: t('info.open'), run: () => setShowInfo(true) },
    // K3: a CRM-fed book takes no edits here (the CRM is where they are made).
    ...(chat()?.contactId || bookReadOnly()
      ? []
      : [{ label: t('addContact.open'), run: () => setAdding(true) }]),
    ...(mine()
      ? [
          { label: t('chatTransfer.open'), run: () => setTransferring(true) },
          { label: t('chat.complete'), run: () => setConfirming(true) },
        ]
      : []),
  ]

  const accept = async () => {
    const d = db()
    const c = chat()
    if (!d || !c) return
    setBusy(true)
    try {
      await acceptChat(d, c.id)
      setForbidden(false)
      toast(t('chat.accepted'))
    } catch (e) {
      if (e instanceof ApiError && e.code === 'E_CHAT_TAKEN') {
        const who = e.details[0] ?? null
        // The chat leaves New here at once; the event that follows carries the rest.
        await d.chats.update(c.id, { state: 'active', assigneeId: 'someone-else', assigneeName: who })
        toast(who ? t('chat.takenBy', { name: who }) : t('chat.takenSomeone'), 'error')
      } else if (e instanceof ApiError && e.code === 'E_STATUS_FORBIDS') {
        // Said once, inline above the button (not a toast too).
        setForbidden(true)
      } else toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }
  /** Complete asks first, in the app's own dialog (translated, keyboard-usable). */
  const [confirming, setConfirming] = createSignal(false)
  const complete = async () => {
    setConfirming(false)
    const d = db()
    const c = chat()
    if (!d || !c) return
    try {
      await completeChat(d, c.id)
      toast(t('chat.completed'))
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const author = () => ({ id: meId() ?? '', name: me()?.name ?? '' })
  // Each message is kept (outbox + local copy) before anything else happens; several files are
  // composed one after another, so they leave in the order picked.
  let chain: Promise<unknown> = Promise.resolve()
  const keep = (c: Composed) => {
    const d = db()
    if (!d) return
    chain = chain.then(() => compose(d, author(), c)).catch((e: unknown) => toast(errorText(e), 'error'))
    list?.toBottom()
  }
  const send: Outgoing = {
    text: (text, replyToId) => keep({ kind: 'message', payload: { chatId: params.id, text, replyToId } }),
    file: (f, replyToId) =>
      keep({ kind: 'file', payload: { chatId: params.id, blob: f, name: f.name, type: f.type, replyToId } }),
    voice: (v) => keep({ kind: 'voice', payload: { chatId: params.id, ...v } }),
  }
  const loadOlder = async () => {
    const d = db()
    if (!d) return false
    const oldest = await oldestN(d, params.id)
    const shown = messages().length
    // What is already mirrored shows first; the server is asked when the window reaches the oldest.
    const have = await d.messages.where('[chatId+ord]').between([params.id, 0], [params.id, Infinity]).count()
    if (have > shown) {
      setLimit((l) => l + MESSAGES_PAGE)
      return true
    }
    if (!oldest || oldest <= 1) return false
    const more = await loadMessages(d, params.id, oldest)
    setLimit((l) => l + MESSAGES_PAGE)
    return more
  }
  const goTo = async (id: string) => {
    if (list?.scrollTo(id)) return
    // Not in the window: widen it (from the mirror, then the server) until the message is there.
    for (let i = 0; i < 20; i++) {
      if (!(await loadOlder())) break
      await new Promise((r) => setTimeout(r, 0))
      if (messages().some((m) => m.id === id)) {
        requestAnimationFrame(() => list?.scrollTo(id))
        return
      }
    }
  }
  let readTimer: ReturnType<typeof setTimeout> | undefined
  onCleanup(() => clearTimeout(readTimer))
  const onSeen = (n: number) => {
    const c = chat()
    if (!c || !mine() || n <= c.operatorReadN) return
    clearTimeout(readTimer)
    readTimer = setTimeout(() => {
      const d = db()
      if (d) void markRead(d, c.id, n)
    }, 250)
  }

  return (
    <div class="page page-fill convo">
      <header class="convo-head">
        <A href="/requests" class="icon-btn" aria-label={t('chat.back')}>
          <ChatIcon name="back" />
        </A>
        <div class="convo-title">
          <h1 class="row-title convo-name" dir="auto">
            {name()}
          </h1>
          <span class="row-sub convo-channel">{chat() ? channelText(chat()?.channel ?? 'webchat') : ''}</span>
        </div>
        <Show when={chat()?.clientPhone}>
          {(p) => <CallButton number={p()} label={t('chat.call', { name: name() })} />}
        </Show>
        <Show when={chat()}>
          <ChatMenu chatId={params.id} items={menuItems()} crm={chat()?.state !== 'completed'} />
        </Show>
      </header>
      <Show when={chat()?.channel === 'webchat'}>
        <ChatInsider chatId={params.id} />
      </Show>
      <Show when={adding() && chat()}>
        {(c) => (
          <AddContactSheet
            phone={c().clientPhone}
            email={c().clientEmail}
            name={c().clientName}
            chatId={c().id}
            onClose={() => setAdding(false)}
          />
        )}
      </Show>
      <Show when={showInfo() && chat()}>
        {(c) => <ChatInfoSheet chatId={c().id} kind={c().channel} onClose={() => setShowInfo(false)} />}
      </Show>
      <Show when={transferring()}>
        <TransferDialog chatId={params.id} onClose={() => setTransferring(false)} />
      </Show>
      <Show when={confirming()}>
        <ConfirmDialog
          title={t('chat.completeTitle')}
          text={t('chat.completeConfirm')}
          ok={t('chat.complete')}
          onOk={() => void complete()}
          onCancel={() => setConfirming(false)}
        />
      </Show>
      <Show when={conflicted().length > 0}>
        <div class="notice small conflict" role="alert">
          <span>{t('chatResume.conflict', { n: conflicted().length })}</span>
          <button type="button" class="btn btn-small btn-primary" onClick={() => void resend()}>
            {t('chatResume.resend')}
          </button>
        </div>
      </Show>
      <Show when={offline()}>
        <p class="notice small" role="status">
          {t('requests.offline')}
        </p>
      </Show>
      <MessageList
        messages={messages()}
        loadOlder={loadOlder}
        onSeen={onSeen}
        canReply={mine()}
        pending={pending()}
        control={(c) => {
          list = c
        }}
        actions={{
          reply: (m) => setReplyTo(m),
          goTo: (id) => void goTo(id),
          retry: (m) => {
            const d = db()
            if (d) void retryMessage(d, m.clientMsgId)
          },
          discard: (m) => {
            const d = db()
            if (d) void discardMessage(d, m.clientMsgId)
          },
        }}
      />
      <Switch>
        <Match when={chat()?.state === 'new'}>
          <div class="convo-foot">
            <Show when={forbidden()}>
              <p class="error small" role="alert">
                {t('chat.statusForbids')}
              </p>
            </Show>
            <Show
              when={settling() !== params.id}
              fallback={
                <p class="muted small" role="status">
                  {t('chat.opening')}
                </p>
              }
            >
              <button
                type="button"
                class="btn btn-primary btn-block"
                disabled={busy() || forbidden()}
                onClick={() => void accept()}
              >
                {t('chat.accept')}
              </button>
            </Show>
          </div>
        </Match>
        <Match when={takenBy() !== null || (chat()?.state === 'active' && !mine())}>
          <p class="convo-foot notice small" role="status">
            {takenBy() ? t('chat.takenBy', { name: takenBy() ?? '' }) : t('chat.takenSomeone')}
          </p>
        </Match>
        <Match when={resumable()}>
          <p class="muted small convo-note" role="status">
            {t('chatResume.note')}
          </p>
          <Composer
            caps={CHANNEL_CAPABILITIES[chat()?.channel ?? 'webchat']}
            replyTo={replyTo()}
            onCancelReply={() => setReplyTo(null)}
            send={send}
            names={{ operator: me()?.name ?? '', client: clientName() }}
            onDraft={setDraft}
          />
        </Match>
        <Match when={chat()?.state === 'completed'}>
          <div class="convo-foot">
            <p class="muted small" role="status">
              {t('chat.completedNote')}
            </p>
            {/* Completed elsewhere (another tab, a colleague) while something was typed: it stays, to copy. */}
            <Show when={draft().trim()}>
              <p class="small notice">{t('chat.draftKept')}</p>
              <textarea
                class="composer-input draft-kept"
                readOnly
                aria-label={t('chat.draftLabel')}
                value={draft()}
              />
            </Show>
          </div>
        </Match>
        <Match when={mine()}>
          <Show when={CHANNEL_CAPABILITIES[chat()?.channel ?? 'webchat'].scheduled}>
            <ScheduledPanel
              chatId={params.id}
              draft={later()}
              onDraftDone={() => setLater(null)}
              sent={(id) => messages().some((m) => m.clientMsgId === id)}
            />
          </Show>
          <Composer
            onSendLater={setLater}
            caps={CHANNEL_CAPABILITIES[chat()?.channel ?? 'webchat']}
            replyTo={replyTo()}
            onCancelReply={() => setReplyTo(null)}
            send={send}
            names={{ operator: me()?.name ?? '', client: clientName() }}
            onDraft={setDraft}
          />
        </Match>
      </Switch>
    </div>
  )
}

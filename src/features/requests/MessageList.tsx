/**
 * A chat's messages (T4), virtualized with rows measured as they render; newest at the bottom. It
 * follows the bottom while the operator is there, pages older messages from the server when he
 * scrolls to the top (keeping his place), scrolls to a quoted message on request, and reports the
 * newest message on screen (T2: read = on screen with the chat open).
 */
import { createVirtualizer } from '@tanstack/solid-virtual'
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import type { MessageRow } from '../../lib/store/index.ts'
import { type BubbleActions, MessageBubble, type Pending } from './MessageBubble.tsx'
import { olderAdded } from './paging.ts'

export interface ListControl {
  /** Scroll to a message by id; false when it is not in the loaded window. */
  scrollTo(id: string): boolean
  toBottom(): void
}

export function MessageList(props: {
  messages: readonly MessageRow[]
  /** Load older messages; resolves false when there are none left. */
  loadOlder: () => Promise<boolean>
  onSeen: (n: number) => void
  canReply: boolean
  actions: BubbleActions
  pending: Record<string, Pending>
  control?: (c: ListControl) => void
}) {
  let scroller: HTMLDivElement | undefined
  const [atBottom, setAtBottom] = createSignal(true)
  const [loading, setLoading] = createSignal(false)
  const [noMore, setNoMore] = createSignal(false)
  const [flash, setFlash] = createSignal<string | null>(null)
  const byId = createMemo(() => new Map(props.messages.map((m) => [m.id, m])))
  const v = createVirtualizer({
    get count() {
      return props.messages.length
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => 72,
    overscan: 6,
    getItemKey: (i) => props.messages[i]?.id ?? i,
  })
  const toBottom = () => {
    if (props.messages.length) v.scrollToIndex(props.messages.length - 1, { align: 'end' })
  }
  props.control?.({
    scrollTo(id) {
      const i = props.messages.findIndex((m) => m.id === id)
      if (i < 0) return false
      v.scrollToIndex(i, { align: 'center' })
      setFlash(id)
      setTimeout(() => setFlash(null), 1500)
      return true
    },
    toBottom,
  })
  // Follow the bottom as messages arrive, unless the operator scrolled up to read. When an older page
  // was prepended (the first message changed), keep the reader's place: move down by the added height.
  let first = true
  let prepend: { firstId: string; total: number; top: number } | null = null
  createEffect(
    on(
      () => props.messages.length,
      () => {
        const p = prepend
        if (p && scroller && olderAdded(p.firstId, props.messages) > 0) {
          prepend = null
          queueMicrotask(() => {
            if (scroller) scroller.scrollTop = p.top + (v.getTotalSize() - p.total)
            // Still at the top (a short page, or the reader kept going): load the next one.
            requestAnimationFrame(maybeLoad)
          })
          return
        }
        if (first || atBottom()) {
          first = props.messages.length === 0
          requestAnimationFrame(toBottom)
        }
      },
    ),
  )
  // The newest message on screen (rows wholly above the bottom edge), for the read marker.
  const seen = () => {
    if (!scroller || document.visibilityState !== 'visible') return
    const bottom = scroller.scrollTop + scroller.clientHeight
    let best = 0
    for (const it of v.getVirtualItems()) {
      const m = props.messages[it.index]
      if (m && m.n > best && it.start < bottom - 8) best = m.n
    }
    if (best > 0) props.onSeen(best)
  }
  createEffect(
    on(
      () => [props.messages.length, v.getVirtualItems().length],
      () => queueMicrotask(seen),
    ),
  )
  const onVisible = () => seen()
  document.addEventListener('visibilitychange', onVisible)
  onCleanup(() => document.removeEventListener('visibilitychange', onVisible))
  // Older pages load when the top is near: on scroll, when the top sentinel comes into view, and again
  // after each page lands (a prepend that leaves the view at the top fires no scroll event).
  const maybeLoad = () => {
    if (!scroller || loading() || noMore() || props.messages.length === 0) return
    if (scroller.scrollTop >= 120) return
    setLoading(true)
    const firstId = props.messages[0]?.id as string
    prepend = { firstId, total: v.getTotalSize(), top: scroller.scrollTop }
    void props
      .loadOlder()
      .then((more) => {
        setNoMore(!more)
      })
      .catch(() => undefined)
      .finally(() => setLoading(false))
  }
  const onScroll = () => {
    if (!scroller) return
    setAtBottom(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48)
    seen()
    maybeLoad()
  }
  let sentinel: HTMLDivElement | undefined
  onMount(() => {
    if (!sentinel || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver(
      (es) => {
        if (es.some((e) => e.isIntersecting) && !first) maybeLoad()
      },
      { root: scroller, rootMargin: '120px 0px 0px 0px' },
    )
    io.observe(sentinel)
    onCleanup(() => io.disconnect())
  })
  return (
    <div class="msg-scroll" ref={scroller} onScroll={onScroll}>
      <div class="msg-top" ref={sentinel} aria-hidden="true" />
      <Show when={loading()}>
        <p class="small muted msg-loading" role="status">
          {t('chat.loadingOlder')}
        </p>
      </Show>
      <ol class="list msg-list" aria-label={t('chat.messages')} style={{ height: `${v.getTotalSize()}px` }}>
        <For each={v.getVirtualItems()}>
          {(row) => {
            const m = () => props.messages[row.index]
            return (
              <li
                class="vrow"
                classList={{ 'msg-flash': flash() === m()?.id }}
                data-index={row.index}
                ref={(el) => queueMicrotask(() => v.measureElement(el))}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <Show when={m()}>
                  {(msg) => (
                    <MessageBubble
                      message={msg()}
                      quoted={msg().replyToId ? (byId().get(msg().replyToId as string) ?? null) : null}
                      canReply={props.canReply}
                      actions={props.actions}
                      pending={props.pending[msg().clientMsgId]}
                    />
                  )}
                </Show>
              </li>
            )
          }}
        </For>
      </ol>
    </div>
  )
}

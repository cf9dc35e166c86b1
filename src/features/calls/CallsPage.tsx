/**
 * The Calls tab (C3, C8–C10): number field + keypad with Call, then "My calls", "All calls" and the
 * shared "Missed" list. Rows render from Dexie first (offline), refresh from /api/calls, and follow
 * realtime events through the mirror.
 */
import { useSearchParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import type { CallView } from '../../../contract/calls.ts'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { VirtualList } from '../../lib/ui/VirtualList.tsx'
import { cleanNumber, placeCall } from './actions.ts'
import { CallIcon } from './CallIcon.tsx'
import { CallRow, callRowHeight } from './CallRow.tsx'
import { DAY_HEADER_PX, DayHeader } from './DayHeader.tsx'
import {
  callParty,
  type HistoryScope,
  localCalls,
  peopleOf,
  refreshCalls,
  startRefreshCalls,
} from './data.ts'
import { transferChain, withDayHeaders } from './historyList.ts'
import { Keypad } from './Keypad.tsx'
import { MissedList } from './MissedList.tsx'
import { searchQuery } from './phoneFormat.ts'
import { searchCalls } from './search.ts'
import './calls.css'

const [scope, setScope] = createSignal<HistoryScope>('mine')
const [query, setQuery] = createSignal('')
const [number, setNumber] = createSignal('')
const [keypadOpen, setKeypadOpen] = createSignal(false)

/** All calls are read by window: this many rows at a time (a phone screen shows ~10), read again this close to the end. */
const ALL_WINDOW = 100
const ALL_MARGIN = 30

const SECTIONS: { id: HistoryScope; label: 'calls.mine' | 'calls.all' | 'calls.missed' }[] = [
  { id: 'mine', label: 'calls.mine' },
  { id: 'all', label: 'calls.all' },
  { id: 'missed', label: 'calls.missed' },
]

/** Calls screen. */
export default function CallsPage() {
  const meId = () => me()?.id ?? null
  // N2: a missed-call notification opens the Missed list (/calls?scope=missed).
  const [search] = useSearchParams()
  createEffect(
    on(
      () => search.scope,
      (s) => {
        if (s === 'missed' || s === 'all' || s === 'mine') setScope(s)
      },
    ),
  )
  // The manifest's "New call" shortcut (issue 13) opens /calls?dial=1: the keypad, the number focused.
  const params = search
  let dialInput: HTMLInputElement | undefined
  onMount(() => {
    if (params.dial !== '1') return
    setKeypadOpen(true)
    dialInput?.focus()
  })
  // Issue 10: All calls unsearched is read by window — the rows in view plus a margin, a page more as
  // the list nears the end of what it read (the device may hold 10,000 calls).
  const [windowRows, setWindowRows] = createSignal(ALL_WINDOW)
  createEffect(on([scope, query], () => setWindowRows(ALL_WINDOW), { defer: true }))
  const windowed = () => scope() === 'all' && !query().trim()
  const rows = createLiveQuery(
    db,
    () => ({ scope: scope(), q: query(), me: meId(), limit: windowed() ? windowRows() : undefined }),
    (d, k) => searchCalls(d, k.scope, k.me, k.q, k.limit),
    [],
  )
  // Near the end of the window (day headers count as items too): read a page further.
  const onEnd = (lastIndex: number) => {
    if (windowed() && rows().length >= windowRows() && lastIndex >= items().length - ALL_MARGIN)
      setWindowRows(windowRows() + ALL_WINDOW)
  }
  const missedCount = createLiveQuery(
    db,
    meId,
    async (d, m) => (await localCalls(d, 'missed', m, '')).length,
    0,
  )
  const people = createLiveQuery(
    db,
    () => undefined,
    async (d) => peopleOf(await d.employees.toArray()),
    peopleOf([]),
  )
  // C8: day headers between the calls, and each transferred call's chain from the calls at hand.
  const items = createMemo(() => withDayHeaders(rows(), new Date()))
  const chains = createMemo(() => {
    const list = rows()
    const known = new Map(list.map((c) => [c.id, c]))
    return new Map(
      list.flatMap((c) =>
        c.transferOfId || list.some((l) => l.transferOfId === c.id) ? [[c.id, transferChain(c, known)]] : [],
      ),
    )
  })
  const hasStory = (c: CallView) =>
    (chains().get(c.id)?.length ?? 0) > 1 ||
    (scope() === 'all' && c.answeredByName !== null && c.direction !== 'internal')
  const [cursor, setCursor] = createSignal<string | null>(null)
  const [offline, setOffline] = createSignal(false)
  // Refresh the section from the server (debounced while typing a search).
  let opened = false
  createEffect(
    on([scope, query, db], ([s, q, d]) => {
      if (!d) return
      const ctl = new AbortController()
      // The screen's first read goes at once (it joins the start's, lib/sync start-reads).
      const wait = opened ? 250 : 0
      opened = true
      const timer = setTimeout(() => {
        // Unsearched, the first page is the start's shared read (badge, warm-up: lib/sync start-reads).
        const term = searchQuery(q)
        ;(term.trim() ? refreshCalls(d, s, term, null, ctl.signal) : startRefreshCalls(d, s))
          .then((next) => {
            setCursor(next)
            setOffline(false)
          })
          .catch(() => setOffline(true))
      }, wait)
      onCleanup(() => {
        clearTimeout(timer)
        ctl.abort()
      })
    }),
  )
  // The Missed badge counts the shared list (C9) even before its tab is opened.
  createEffect(
    on(db, (d) => {
      if (d) void startRefreshCalls(d, 'missed').catch(() => undefined)
    }),
  )
  const more = () => {
    const d = db()
    const c = cursor()
    if (d && c)
      void refreshCalls(d, scope(), searchQuery(query()), c)
        .then(setCursor)
        .catch(() => setOffline(true))
  }
  const call = async () => {
    if (await placeCall(number())) setNumber('')
  }

  return (
    <div class="page page-fill calls-page">
      <h1 class="visually-hidden">{t('calls.title')}</h1>
      <form
        class="dialer"
        onSubmit={(e) => {
          e.preventDefault()
          void call()
        }}
      >
        <input
          ref={dialInput}
          class="dial-input"
          type="tel"
          inputmode="tel"
          autocomplete="off"
          aria-label={t('calls.number')}
          placeholder={t('calls.numberPlaceholder')}
          value={number()}
          onInput={(e) => setNumber(e.currentTarget.value)}
        />
        <Show when={number()}>
          <button
            type="button"
            class="icon-btn dial-back"
            aria-label={t('calls.backspace')}
            onClick={() => setNumber((n) => n.slice(0, -1))}
          >
            <CallIcon name="backspace" size={22} />
          </button>
        </Show>
        <button
          type="button"
          class="icon-btn dial-keypad"
          aria-label={t('calls.keypad')}
          aria-expanded={keypadOpen()}
          onClick={() => setKeypadOpen(!keypadOpen())}
        >
          <CallIcon name="dialpad" size={22} />
        </button>
        <button type="submit" class="btn btn-call" disabled={!cleanNumber(number())}>
          {t('calls.call')}
        </button>
      </form>
      <Show when={keypadOpen()}>
        <Keypad label={t('calls.keypad')} onKey={(k) => setNumber((n) => n + k)} />
      </Show>
      <div class="subtabs" role="tablist" aria-label={t('calls.sections')}>
        <For each={SECTIONS}>
          {(s) => (
            <button
              type="button"
              role="tab"
              class={scope() === s.id ? 'on' : ''}
              aria-selected={scope() === s.id}
              onClick={() => setScope(s.id)}
              // Probe 11 finding 23: short words on the tab (three fit one line at 360 px in Russian),
              // the whole name for a screen reader.
              aria-label={
                s.id === 'missed' && missedCount() > 0
                  ? t('calls.missedCount', { n: missedCount() })
                  : t(s.label)
              }
            >
              {s.id === 'missed'
                ? missedCount() > 0
                  ? t('calls.missedTab', { n: missedCount() })
                  : t('calls.missed')
                : t(s.id === 'mine' ? 'calls.mineTab' : 'calls.allTab')}
            </button>
          )}
        </For>
      </div>
      <Show when={scope() !== 'missed'}>
        <div class="search">
          <input
            type="search"
            aria-label={t('calls.search')}
            placeholder={t('calls.searchPlaceholder')}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
      </Show>
      <Show when={offline()}>
        <p class="notice small">{t('contacts.offlineData')}</p>
      </Show>
      <Show when={scope() === 'missed'}>
        <MissedList calls={rows()} meId={meId()} party={(c) => callParty(c, meId(), people())} />
      </Show>
      <Show
        when={scope() !== 'missed' && rows().length > 0}
        fallback={
          <Show when={scope() !== 'missed'}>
            <p class="empty-small">{query() ? t('calls.noMatch') : t('calls.noCalls')}</p>
          </Show>
        }
      >
        <VirtualList
          items={items()}
          rowHeight={76}
          sizeOf={(i) =>
            i.kind === 'day'
              ? DAY_HEADER_PX
              : callRowHeight(i.call, callParty(i.call, meId(), people()), hasStory(i.call))
          }
          label={t(SECTIONS.find((s) => s.id === scope())?.label ?? 'calls.mine')}
          onEnd={onEnd}
          measured
        >
          {(i) => (
            <Show when={i.kind === 'call' && i.call} fallback={<DayHeader item={i} />}>
              {(c) => (
                <CallRow
                  call={c()}
                  missedList={scope() === 'missed'}
                  party={callParty(c(), meId(), people())}
                  showAnswerer={scope() === 'all'}
                  chain={chains().get(c().id)}
                  meId={meId()}
                />
              )}
            </Show>
          )}
        </VirtualList>
        <Show when={cursor() && scope() !== 'missed'}>
          <button type="button" class="btn btn-ghost more" onClick={more}>
            {t('calls.loadMore')}
          </button>
        </Show>
      </Show>
    </div>
  )
}

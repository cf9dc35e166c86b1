/**
 * The Requests tab (T2): New (longest-waiting first, with the waiting time), In work (mine) and
 * Completed, with counts and unread badges. Rows render from the Dexie mirror (offline first), are
 * refreshed from the server when the tab opens and follow the chat events through the mirror.
 */
import { useSearchParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { ApiError } from '../../lib/api/index.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import { offline } from '../../lib/net/index.ts'
import { me, refreshMe } from '../../lib/session/index.ts'
import { type ChatRow, createLiveQuery, db } from '../../lib/store/index.ts'
import { VirtualList } from '../../lib/ui/VirtualList.tsx'
import { openWriteFirst } from '../../lib/writefirst/index.ts'
import { settings } from '../account/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { ChatListRow } from './ChatListRow.tsx'
import { LeadsList } from './LeadsList.tsx'
import { localLeads, newLeadCount, refreshLeads, startRefreshLeads } from './leads.ts'
import { countsOf, NO_LISTS, useChatLists } from './lists.ts'
import { localChats, matchesSearch, type RequestsTab } from './mirror.ts'
import { refreshTab, searchCompleted, startRefreshTab } from './remote.ts'
import { keepSnapshot } from './snapshot.ts'
import './requests.css'

const [tab, setTab] = createSignal<RequestsTab>('new')
/** S1/S5: whether the operator's status lets him take chats (the server's answer for New). */
const [newAllowed, setNewAllowed] = createSignal(true)
/** T11: the Leads section instead of the chat tabs (UIS shows requests from the site apart from chats). */
const [showLeads, setShowLeads] = createSignal(false)

const TABS: { id: RequestsTab; label: MessageKey; empty: MessageKey }[] = [
  { id: 'new', label: 'requests.tab.new', empty: 'requests.noNew' },
  { id: 'active', label: 'requests.tab.active', empty: 'requests.noActive' },
  { id: 'completed', label: 'requests.tab.completed', empty: 'requests.noCompleted' },
]

/** A tab's visible count: "99+" past 99 (its accessible name keeps the exact number). */
const shortCount = (n: number): string => (n > 99 ? '99+' : String(n))

/** Route `/requests`. */
export default function RequestsPage() {
  const meId = () => me()?.id ?? null
  const [search] = useSearchParams()
  if (search.view === 'leads') setShowLeads(true)
  const leads = createLiveQuery(
    db,
    () => true,
    (d) => localLeads(d),
    [],
  )
  const newLeads = createLiveQuery(
    db,
    () => true,
    (d) => newLeadCount(d),
    0,
  )
  // The screen's first read of each snapshot is the start's shared one (badge, warm-up: lib/sync
  // start-reads); a later one (the network back, another tab, a new status) is the screen's own.
  let leadsRead = false
  createEffect(
    on([db, offline], ([d, off]) => {
      if (!d || off) return
      const ctl = new AbortController()
      const first = !leadsRead
      leadsRead = true
      ;(first ? startRefreshLeads(d) : refreshLeads(d, ctl.signal)).catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError' && !(e instanceof ApiError)) console.error('leads refresh', e)
      })
      onCleanup(() => ctl.abort())
    }),
  )
  // Issue 10: New and In work (and the counts) come from the one shared read of the chat lists that
  // the badges follow too; only Completed is read here, while its tab is shown.
  const lists = useChatLists()
  const completed = createLiveQuery(
    db,
    () => (tab() === 'completed' ? meId() : undefined),
    (d, m) => (m === undefined ? Promise.resolve([]) : localChats(d, 'completed', m)),
    [] as ChatRow[],
  )
  const read = () => {
    const x = tab()
    return x === 'new' ? lists().new : x === 'active' ? lists().active : completed()
  }
  // T9: Completed is searched on the server (name, phone, e-mail); until it answers (or offline) the
  // mirror's completed chats are filtered here, then the server's ids are what the list shows.
  const [query, setQuery] = createSignal('')
  const [found, setFound] = createSignal<Set<string> | null>(null)
  createEffect(
    on([tab, query, db, offline], ([x, q, d, off]) => {
      setFound(null)
      const term = q.trim()
      if (x !== 'completed' || !term || !d || off) return
      const ctl = new AbortController()
      const timer = setTimeout(() => {
        searchCompleted(d, term, ctl.signal)
          .then((ids) => setFound(new Set(ids)))
          .catch((e: unknown) => {
            if ((e as Error).name !== 'AbortError' && !(e instanceof ApiError)) console.error('search', e)
          })
      }, 250)
      onCleanup(() => {
        clearTimeout(timer)
        ctl.abort()
      })
    }),
  )
  const searching = () => tab() === 'completed' && query().trim() !== ''
  // The virtual list re-creates its rows when the array changes: a re-read that changed nothing (a
  // snapshot equal to what the events already wrote) keeps the array, so a tap is never lost.
  let last: ChatRow[] = []
  let lastJson = '[]'
  const rows = createMemo(() => {
    // The mirror may still hold New chats (events) that a status without chats must not offer.
    const all = tab() === 'new' && !newAllowed() ? [] : read()
    const ids = found()
    const next = !searching() ? all : all.filter((c) => (ids ? ids.has(c.id) : matchesSearch(c, query())))
    const json = JSON.stringify(next)
    if (json === lastJson) return last
    lastJson = json
    last = next
    return next
  })
  const counts = createMemo(() => countsOf(lists()))
  const [unreachable, setUnreachable] = createSignal(false)
  // New and In work are both refreshed on open (their counts show on the tabs), the shown tab too,
  // and again when the network comes back or the operator's status changes (S1/S5: New follows it).
  // The status as a memo: a re-read profile with the same status (GET /api/me at start) is no change.
  const status = createMemo(() => me()?.status)
  const tabsRead = new Set<RequestsTab>()
  createEffect(
    on([tab, db, offline, status], ([x, d, off]) => {
      if (!d || off) return
      const ctl = new AbortController()
      const load = new Set<RequestsTab>(['new', 'active', x])
      void Promise.all(
        [...load].map((one) => {
          const first = !tabsRead.has(one)
          tabsRead.add(one)
          return (first ? startRefreshTab(d, one, meId()) : refreshTab(d, one, meId(), ctl.signal)).then(
            (r) => {
              if (one === 'new' && !ctl.signal.aborted) setNewAllowed(r.newAllowed !== false)
            },
          )
        }),
      )
        .then(() => setUnreachable(false))
        .catch((e: unknown) => {
          if (e instanceof ApiError && e.code === 'E_NETWORK') setUnreachable(true)
          // A5: the admin switched the option off while the app was open: re-read the session (the
          // route guard then leaves Requests).
          else if (e instanceof ApiError && e.code === 'E_OMNI_OFF') void refreshMe().catch(() => undefined)
          else if ((e as Error).name !== 'AbortError') console.error('requests refresh', e)
        })
      onCleanup(() => ctl.abort())
    }),
  )
  const count = (id: RequestsTab) => (id === 'new' && !newAllowed() ? 0 : counts()[id])
  // The unread badge only when it says something the count does not (every New chat is unread).
  const unread = (id: RequestsTab) => (unreadOf(id) === count(id) ? 0 : unreadOf(id))
  const unreadOf = (id: RequestsTab) =>
    id === 'new' ? (newAllowed() ? counts().unreadNew : 0) : id === 'active' ? counts().unreadActive : 0
  const tabText = (s: (typeof TABS)[number]) =>
    count(s.id) > 0 ? t('requests.tabCount', { label: t(s.label), n: shortCount(count(s.id)) }) : t(s.label)
  const leadsText = () =>
    newLeads() > 0
      ? t('requests.tabCount', { label: t('requests.tab.leads'), n: shortCount(newLeads()) })
      : t('requests.tab.leads')
  // Issue 10 (warm start): the list has been read from the mirror (the shared read's first answer).
  const loaded = () => lists() !== NO_LISTS
  // What a fresh start shows (the New tab), saved for index.html's shell to paint next time (./snapshot.ts).
  keepSnapshot(() => {
    const m = me()
    if (!m || !loaded()) return null
    return {
      me: m,
      start: settings().startPage === 'requests',
      tabs: [
        ...TABS.map((s, i) => ({ text: tabText(s), on: i === 0, unread: unread(s.id) })),
        { text: leadsText(), on: false, unread: 0 },
      ],
      label: t('requests.tab.new'),
      rows: newAllowed() ? lists().new : [],
    }
  })
  return (
    // data-live: the app's own list is there (the static shell's snapshot rows give way to it: app/shell.ts).
    <div
      class="page page-fill requests-page"
      classList={{ 'requests-off': offline() || unreachable() }}
      data-live={loaded() ? '' : undefined}
    >
      <h1 class="visually-hidden">{t('requests.title')}</h1>
      <div class="subtabs" role="tablist" aria-label={t('requests.tabs')}>
        <For each={TABS}>
          {(s) => (
            <button
              type="button"
              role="tab"
              aria-label={
                (count(s.id) > 0
                  ? t('requests.tabCount', { label: t(s.label), n: count(s.id) })
                  : t(s.label)) +
                (unread(s.id) > 0 ? `, ${t('requests.unreadBadge', { n: unread(s.id) })}` : '')
              }
              class={tab() === s.id && !showLeads() ? 'on' : ''}
              aria-selected={tab() === s.id && !showLeads()}
              onClick={() => {
                setShowLeads(false)
                setTab(s.id)
              }}
            >
              {tabText(s)}
              <Show when={unread(s.id) > 0}>
                <span class="unread" aria-hidden="true">
                  {unread(s.id)}
                </span>
              </Show>
            </button>
          )}
        </For>
        <button
          type="button"
          role="tab"
          class={showLeads() ? 'on' : ''}
          aria-selected={showLeads()}
          aria-label={
            newLeads() > 0
              ? t('requests.tabCount', { label: t('requests.tab.leads'), n: newLeads() })
              : t('requests.tab.leads')
          }
          onClick={() => setShowLeads(true)}
        >
          {leadsText()}
        </button>
      </div>
      {/* T10: write first — a pencil that opens the sheet (the shell shows it, lib/writefirst). Probe 12
          UI #5: it floats over the list's bottom corner instead of taking a row of its own above it. */}
      <button
        type="button"
        class="icon-btn wf-open"
        aria-label={t('wf.open')}
        title={t('wf.open')}
        onClick={() => openWriteFirst()}
      >
        <ChatIcon name="edit" />
      </button>
      {/* Probe 12 UI #6: a bar over the bottom of the list, so going offline never moves the rows. */}
      <Show when={offline() || unreachable()}>
        <p class="notice small requests-offline" role="status">
          {t('requests.offline')}
        </p>
      </Show>
      <Show when={tab() === 'completed' && !showLeads()}>
        <div class="search">
          <input
            type="search"
            aria-label={t('requests.search')}
            placeholder={t('requests.searchPlaceholder')}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
      </Show>
      <Show when={!showLeads()} fallback={<LeadsList leads={leads()} />}>
        <Show
          when={rows().length > 0}
          fallback={
            <p class="empty-small" role={tab() === 'new' && !newAllowed() ? 'status' : undefined}>
              {tab() === 'new' && !newAllowed()
                ? t('requests.newForbidden')
                : searching()
                  ? t('requests.noMatch')
                  : offline()
                    ? t('requests.emptyOffline')
                    : t(TABS.find((s) => s.id === tab())?.empty ?? 'requests.noNew')}
            </p>
          }
        >
          <VirtualList
            items={rows()}
            rowHeight={72}
            label={t(TABS.find((s) => s.id === tab())?.label ?? 'requests.tab.new')}
          >
            {(c) => <ChatListRow chat={c} />}
          </VirtualList>
        </Show>
      </Show>
    </div>
  )
}

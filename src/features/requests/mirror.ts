/**
 * The Requests mirror in Dexie (SPEC T2–T5, N3): the screens render from here; REST snapshots and the
 * chat events write here. Pure Dexie work — no fetch, no signals — so it is tested on fake-indexeddb.
 */
import type { ChatView, MessageView, TemplateView } from '../../../contract/chats.ts'
import type { ChatRow, FrontlineDb, MessageRow } from '../../lib/store/index.ts'

export type RequestsTab = 'new' | 'active' | 'completed'

/** Local messages sort after every server message (n < 2^40), in the order they were composed. */
export const LOCAL_ORD_BASE = 2 ** 40

/** The row a chat is stored as: order keys for New (waiting) and the other tabs (last activity). */
export function chatRow(c: ChatView): ChatRow {
  return {
    ...c,
    lastAt: c.lastMessage?.at ?? c.acceptedAt ?? c.createdAt,
    waitingOrd: c.waitingSince ?? c.createdAt,
  }
}

/** Unread messages of a chat for the operator who sees it (T2: read = on screen with the chat open). */
export function unreadOf(c: ChatView): number {
  if (c.state === 'completed') return 0
  return Math.max(0, c.messageCount - c.operatorReadN)
}

/** Store chats from a snapshot or events (a later copy replaces an earlier one). */
export async function putChats(db: FrontlineDb, chats: ChatView[]): Promise<void> {
  await db.chats.bulkPut(chats.map(chatRow))
}

/**
 * Store a tab's snapshot: the server's list is the truth for New and In work, so rows of that
 * state the server no longer lists for me (taken by another, completed elsewhere) leave the tab.
 */
export async function replaceTab(
  db: FrontlineDb,
  tab: RequestsTab,
  chats: ChatView[],
  meId: string | null,
): Promise<void> {
  await db.transaction('rw', db.chats, async () => {
    if (tab !== 'completed') {
      const keep = new Set(chats.map((c) => c.id))
      const stale = (await db.chats.where('[state+lastAt]').between([tab, ''], [tab, '\uffff']).toArray())
        .filter((r) => !keep.has(r.id) && (tab === 'new' || r.assigneeId === meId))
        .map((r) => r.id)
      await db.chats.bulkDelete(stale)
    }
    await putChats(db, chats)
  })
}

/** A tab's chats as the list shows them: New longest-waiting first; the others newest activity first. */
export async function localChats(db: FrontlineDb, tab: RequestsTab, meId: string | null): Promise<ChatRow[]> {
  if (tab === 'new')
    return db.chats.where('[state+waitingOrd]').between(['new', ''], ['new', '\uffff']).toArray()
  const rows = await db.chats.where('[state+lastAt]').between([tab, ''], [tab, '\uffff']).reverse().toArray()
  return tab === 'active' ? rows.filter((r) => r.assigneeId === meId) : rows
}

/** T9: whether a chat's client name, phone or e-mail holds `term` (the Completed search, while the server's answer is on its way or offline). */
export function matchesSearch(c: Pick<ChatView, 'clientName' | 'clientPhone' | 'clientEmail'>, term: string) {
  const t = term.trim().toLocaleLowerCase()
  if (!t) return true
  const digits = t.replace(/\D/g, '')
  return (
    (c.clientName ?? '').toLocaleLowerCase().includes(t) ||
    (c.clientEmail ?? '').toLocaleLowerCase().includes(t) ||
    (digits.length > 0 &&
      digits.length === t.replace(/[\s()+-]/g, '').length &&
      (c.clientPhone ?? '').replace(/\D/g, '').includes(digits))
  )
}

export interface TabCounts {
  new: number
  active: number
  completed: number
  unreadNew: number
  unreadActive: number
}

/** Counts for the tab labels and badges. */
export async function tabCounts(db: FrontlineDb, meId: string | null): Promise<TabCounts> {
  const [n, a, c] = await Promise.all([
    localChats(db, 'new', meId),
    localChats(db, 'active', meId),
    db.chats.where('[state+lastAt]').between(['completed', ''], ['completed', '\uffff']).count(),
  ])
  const sum = (rows: ChatRow[]) => rows.reduce((s, r) => s + unreadOf(r), 0)
  return { new: n.length, active: a.length, completed: c, unreadNew: sum(n), unreadActive: sum(a) }
}

const DELIVERY_RANK: Record<MessageView['delivery'], number> = { sent: 0, failed: 1, delivered: 2, read: 3 }

/** N4: the New chats the mirror holds (the icon's badge counts them). */
export async function newChatIds(db: FrontlineDb): Promise<string[]> {
  // Keys only (issue 10, warm start): the badge reads this at every start, next to the list's own
  // read of the same rows; reading and cloning 1,000 chats for their ids held up the first list.
  const ids = await db.chats.where('[state+waitingOrd]').between(['new', ''], ['new', '\uffff']).primaryKeys()
  return ids as string[]
}

/** The row a server message is stored as. */
export function messageRow(m: MessageView): MessageRow {
  return { ...m, ord: m.n }
}

/**
 * Store server messages. The server's copy of a message composed here replaces the local one (same
 * clientMsgId) in the same transaction, so the list never shows both.
 */
export async function putMessages(db: FrontlineDb, messages: MessageView[]): Promise<void> {
  if (messages.length === 0) return
  await db.transaction('rw', db.messages, async () => {
    for (const m of messages) {
      const prev = await db.messages.where('clientMsgId').equals(m.clientMsgId).first()
      if (prev && prev.id !== m.id) await db.messages.delete(prev.id)
      // A page read before a delivery event must not take the message's state back (read → sent).
      const delivery =
        prev?.id === m.id && DELIVERY_RANK[prev.delivery] > DELIVERY_RANK[m.delivery]
          ? prev.delivery
          : m.delivery
      await db.messages.put({ ...messageRow(m), delivery })
    }
  })
}

/** The last `limit` messages of a chat, oldest first (the conversation's window). */
export async function localMessages(db: FrontlineDb, chatId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db.messages
    .where('[chatId+ord]')
    .between([chatId, -Infinity], [chatId, Infinity])
    .reverse()
    .limit(limit)
    .toArray()
  return rows.reverse()
}

/** The lowest `n` mirrored for a chat (paging older messages starts below it). */
export async function oldestN(db: FrontlineDb, chatId: string): Promise<number | null> {
  const first = await db.messages.where('[chatId+ord]').between([chatId, 0], [chatId, LOCAL_ORD_BASE]).first()
  return first?.n ?? null
}

/** Store the templates this operator may use (the server's list replaces the mirror). */
export async function replaceTemplates(db: FrontlineDb, templates: TemplateView[]): Promise<void> {
  await db.transaction('rw', db.templates, async () => {
    await db.templates.clear()
    await db.templates.bulkPut(templates)
  })
}

/** Templates matching a search over name and text; shared first, then personal, by name. */
export async function localTemplates(db: FrontlineDb, q: string): Promise<TemplateView[]> {
  const s = q.trim().toLowerCase()
  const all = await db.templates.orderBy('name').toArray()
  const hit = s
    ? all.filter((x) => x.name.toLowerCase().includes(s) || x.text.toLowerCase().includes(s))
    : all
  return [...hit.filter((x) => x.scope === 'shared'), ...hit.filter((x) => x.scope === 'personal')]
}

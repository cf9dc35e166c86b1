/**
 * Issue 10 (one read of the New chats): the New chats and my In work chats, with the Completed count,
 * as one shared live read of the mirror per database and operator. The Requests screen (its list and
 * tab counts), the tab bar's badge and the app icon's badge all follow this one read; before, each
 * read the New chats from Dexie itself at every start and on every change.
 */
import { type Accessor, createMemo } from 'solid-js'
import { me } from '../../lib/session/index.ts'
import {
  type ChatRow,
  createSharedQuery,
  db,
  type FrontlineDb,
  type SharedQuery,
  sharedLiveQuery,
} from '../../lib/store/index.ts'
import { localChats, type TabCounts, unreadOf } from './mirror.ts'

export interface ChatLists {
  /** New chats, longest-waiting first. */
  new: ChatRow[]
  /** My In work chats, newest activity first. */
  active: ChatRow[]
  /** How many Completed chats the mirror holds. */
  completed: number
}

export const NO_LISTS: ChatLists = { new: [], active: [], completed: 0 }

/** The lists from the mirror (one read of each index range). */
export async function readChatLists(d: FrontlineDb, meId: string | null): Promise<ChatLists> {
  const [fresh, mine, completed] = await Promise.all([
    localChats(d, 'new', meId),
    localChats(d, 'active', meId),
    d.chats.where('[state+lastAt]').between(['completed', ''], ['completed', '\uffff']).count(),
  ])
  return { new: fresh, active: mine, completed }
}

/** The counts for the tab labels and badges, from the lists. */
export function countsOf(l: ChatLists): TabCounts {
  const sum = (rows: ChatRow[]) => rows.reduce((s, r) => s + unreadOf(r), 0)
  return {
    new: l.new.length,
    active: l.active.length,
    completed: l.completed,
    unreadNew: sum(l.new),
    unreadActive: sum(l.active),
  }
}

// Per database object (a switch back to an account opens a new one) and operator.
const sources = new WeakMap<FrontlineDb, Map<string, SharedQuery<ChatLists>>>()

/** The one shared query for a database and operator. */
export function chatListsSource(d: FrontlineDb, meId: string | null): SharedQuery<ChatLists> {
  const byMe = sources.get(d) ?? new Map<string, SharedQuery<ChatLists>>()
  sources.set(d, byMe)
  const known = byMe.get(meId ?? '')
  if (known) return known
  const s = sharedLiveQuery(() => readChatLists(d, meId))
  byMe.set(meId ?? '', s)
  return s
}

/** The shared lists as a signal (call inside a component or root). */
export function useChatLists(): Accessor<ChatLists> {
  const meId = createMemo(() => me()?.id ?? null)
  return createSharedQuery(db, meId, chatListsSource, NO_LISTS)
}

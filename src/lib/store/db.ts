/**
 * The device's mirror of what the operator needs (ARCHITECTURE "Realtime and offline", SPEC N3).
 * One Dexie database per signed-in account, so two accounts on one device never see each other's data.
 * Indexes are chosen for the features that read them (see comments); adding one later = a new version.
 */
import Dexie, { type EntityTable, type Table } from 'dexie'
import type { ClientView, EmployeeView, GroupView } from '../../../contract/api.ts'
import type { CallView } from '../../../contract/calls.ts'
import type { StatusMatrix } from '../../../contract/status.ts'

/** A chat (T2): state new|active|completed. */
export interface ChatRow {
  id: string
  state: 'new' | 'active' | 'completed'
  assigneeId: string | null
  clientId: string | null
  channel: string
  lastTs: string
}
/** A chat message (T4); `clientMsgId` is the outbox's idempotency key (N3). */
export interface MessageRow {
  id: string
  chatId: string
  ts: string
  clientMsgId: string | null
  text: string
}
export interface TemplateRow {
  id: string
  ownerId: string | null
  name: string
  text: string
}
export interface LeadRow {
  id: string
  state: string
  createdAt: string
}
/** A message written offline, waiting to be sent exactly once (N3). */
export interface OutboxRow {
  clientMsgId: string
  chatId: string
  createdAt: string
  state: 'pending' | 'sending' | 'failed'
  body: unknown
}
/**
 * A call recording waiting for upload (C8). The Blob stays here until the server accepts it, so a
 * reload or a dead network never loses it; `nextAt` drives the retry backoff.
 */
export interface RecordingRow {
  sipCallId: string
  blob: Blob
  /** Base MIME type the server accepts (audio/webm | audio/ogg). */
  type: string
  durationMs: number
  createdAt: string
  attempts: number
  nextAt: number
  /** 'rejected': the server refused the bytes (bad type/size); kept, not retried. */
  state: 'pending' | 'rejected'
  lastError: string | null
}
export interface MetaRow {
  key: string
  value: unknown
}

/** Meta keys the app uses. */
export type MetaKey = 'lastSeq' | 'statuses' | 'contactsSyncedAt'

export type FrontlineDb = Dexie & {
  employees: EntityTable<EmployeeView, 'id'>
  groups: EntityTable<GroupView, 'id'>
  clients: EntityTable<ClientView, 'id'>
  calls: EntityTable<CallView, 'id'>
  chats: EntityTable<ChatRow, 'id'>
  messages: EntityTable<MessageRow, 'id'>
  templates: EntityTable<TemplateRow, 'id'>
  leads: EntityTable<LeadRow, 'id'>
  outbox: EntityTable<OutboxRow, 'clientMsgId'>
  recordings: EntityTable<RecordingRow, 'sipCallId'>
  meta: EntityTable<MetaRow, 'key'>
}

/** The name of a table of the account's database (handlers name the tables they write). */
export type TableName = {
  // biome-ignore lint/suspicious/noExplicitAny: any row type and key: only the name matters here.
  [K in keyof FrontlineDb]: FrontlineDb[K] extends Table<any, any, any> ? K : never
}[keyof FrontlineDb] &
  string

/** Open (or create) the database of one account. */
export function openDb(accountKey: string): FrontlineDb {
  const db = new Dexie(`frontline-${accountKey}`) as FrontlineDb
  db.version(1).stores({
    // K1: sort/filter by name, online filter, by extension for C3 dialling.
    employees: 'id, name, extension, online, status',
    groups: 'id, name, extension',
    // K1/C8: search by name and by any phone or e-mail (multiEntry).
    clients: 'id, name, *phones, *emails, managerId, groupId',
    // C8 history by time and search by number, link to the client card; C10 mine (booleans such as
    // `missed` cannot be IndexedDB keys: the missed list filters the time-ordered history).
    calls: 'id, sipCallId, startedAt, peerNumber, contactId, answeredById, callerEmployeeId',
    // T2 tabs by state ordered by last activity.
    chats: 'id, [state+lastTs], assigneeId, clientId',
    // T4: last N of a chat; outbox dedup by clientMsgId.
    messages: 'id, [chatId+ts], clientMsgId',
    templates: 'id, ownerId, name',
    leads: 'id, [state+createdAt]',
    outbox: 'clientMsgId, state, createdAt',
    meta: 'key',
  })
  // v2: call recordings waiting for upload (C8), picked by due time.
  db.version(2).stores({ recordings: 'sipCallId, nextAt' })
  return db
}

/** Read a meta value. */
export async function getMeta<T>(db: FrontlineDb, key: MetaKey): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined
}

/** Write a meta value. */
export async function setMeta(db: FrontlineDb, key: MetaKey, value: unknown): Promise<void> {
  await db.meta.put({ key, value })
}

export type { StatusMatrix }

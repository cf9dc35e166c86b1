/**
 * The device's mirror of what the operator needs (ARCHITECTURE "Realtime and offline", SPEC N3).
 * One Dexie database per signed-in account, so two accounts on one device never see each other's data.
 * Indexes are chosen for the features that read them (see comments); adding one later = a new version.
 */
import Dexie, { type EntityTable, type Table } from 'dexie'
import type { ClientView, EmployeeView, GroupView } from '../../../contract/api.ts'
import type { CallView } from '../../../contract/calls.ts'
import type { ChatView, MessageView, TemplateView } from '../../../contract/chats.ts'
import type { StatusMatrix } from '../../../contract/status.ts'

/**
 * A chat (T2) as the server sent it, plus `lastAt` (last activity, for In work/Completed order) and
 * `waitingOrd` (the New order: waitingSince, else createdAt).
 */
export interface ChatRow extends ChatView {
  lastAt: string
  waitingOrd: string
}
/** Where an operator message composed on this device stands before the server has it (N3). */
export type LocalSendState = 'queued' | 'sending' | 'failed' | 'refused'
/**
 * A chat message (T4). Server messages are keyed by their id and ordered by `ord` = n; a message
 * composed here is keyed by its clientMsgId until the server's copy replaces it (same clientMsgId),
 * ordered after every server message by the time it was composed.
 */
export interface MessageRow extends MessageView {
  ord: number
  /** Set while the message is only on this device (the outbox holds it). */
  local?: LocalSendState
  /** A file or voice message not yet uploaded: its bytes, for the preview. */
  blob?: Blob
}
export type TemplateRow = TemplateView
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
  // v5 (3 and 4 are left to the outbox's own changes): the Requests mirror (T2–T5, N3). New by
  // waiting time, In work/Completed by last activity; a chat's messages by position; the server's
  // copy of a message found by the id composed on this device.
  db.version(5).stores({
    chats: 'id, [state+waitingOrd], [state+lastAt], assigneeId',
    messages: 'id, [chatId+ord], &clientMsgId',
    templates: 'id, scope, name',
  })
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

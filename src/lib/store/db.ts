/**
 * The device's mirror of what the operator needs (ARCHITECTURE "Realtime and offline", SPEC N3).
 * One Dexie database per signed-in account, so two accounts on one device never see each other's data.
 * Indexes are chosen for the features that read them (see comments); adding one later = a new version.
 */
import Dexie, { type EntityTable, type Table } from 'dexie'
import type { ClientView, EmployeeView, GroupView } from '../../../contract/api.ts'
import type { CallView } from '../../../contract/calls.ts'
import type { ChatView, MessageView, TemplateView } from '../../../contract/chats.ts'
import type { LeadView } from '../../../contract/leads.ts'
import type { StatusMatrix } from '../../../contract/status.ts'
import type { OutboxState } from '../sync/outbox-state.ts'
import { callTerms, missedOpenAt } from './call-terms.ts'

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
/** A lead (T11) as the server sent it; the v1 index [state+createdAt] lists them. */
export type LeadRow = LeadView
/** What the outbox carries (src/lib/sync/outbox.ts). */
export type OutboxKind = 'recording' | 'message' | 'file' | 'voice'

/**
 * Something the device must deliver, kept until the server took it (src/lib/sync/outbox.ts, N3, C8).
 * `id` is made once, when the item is composed: it is the server's idempotency key (a message's
 * client id), so a retry can never make a copy.
 */
export interface OutboxItem {
  id: string
  kind: OutboxKind
  /** Items of one key leave one at a time in `seq` order (e.g. one chat); other keys go in parallel. */
  key: string
  /** Order of composition on this device. */
  seq: number
  state: OutboxState
  /** What the kind's sender needs (a Blob stays a Blob in IndexedDB). */
  payload: unknown
  attempts: number
  /** When a failed-retryable item is due again (ms since epoch). */
  nextAt: number
  /** Why the last attempt failed (`HTTP 413`, `network`…), shown for a refused item. */
  lastError: string | null
  /** The run (tab) that claimed it for sending, and when (a dead run's claim expires). */
  claimedBy: string | null
  claimedAt: number
  createdAt: string
}
/** A call recording kept before the outbox (schema v2); moved into the outbox by v4. */
interface LegacyRecordingRow {
  sipCallId: string
  blob: Blob
  type: string
  durationMs: number
  createdAt: string
  attempts: number
  nextAt: number
  state: 'pending' | 'rejected'
  lastError: string | null
}
/** The index keys the calls hooks add to a stored call (./call-terms.ts). */
type CallRowKeys = CallView & { terms?: string[]; missedOpenAt?: string }
/** SPEC K1: a contact picked from the phone (Contact Picker API); kept on this device only. */
export interface PhoneContactRow {
  /** Its first number (E.164): the same contact picked again replaces itself. */
  id: string
  name: string
  /** E.164 numbers. */
  numbers: string[]
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
  outbox: EntityTable<OutboxItem, 'id'>
  meta: EntityTable<MetaRow, 'key'>
  phoneBook: EntityTable<PhoneContactRow, 'id'>
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
  // v3 + v4: one outbox for everything the device sends (the v1 table was never written: its key
  // changes, which IndexedDB can only do by dropping it first); v4 moves waiting recordings into it.
  db.version(3).stores({ outbox: null })
  db.version(4)
    .stores({ outbox: 'id, seq, [key+seq]', recordings: null })
    .upgrade(async (tx) => {
      const rows = (await tx.table('recordings').toArray()) as LegacyRecordingRow[]
      await tx.table('outbox').bulkAdd(rows.map((r, i) => recordingItem(r, i + 1)))
    })
  // v5: the Requests mirror (T2–T5, N3). New by waiting time, In work/Completed by last activity;
  // a chat's messages by position; the server's copy of a message found by the id composed here.
  db.version(5).stores({
    chats: 'id, [state+waitingOrd], [state+lastAt], assigneeId',
    messages: 'id, [chatId+ord], &clientMsgId',
    templates: 'id, scope, name',
  })
  // v6: C8 history search by index — `terms` (./call-terms.ts) — and C9 open missed calls by
  // `missedOpenAt`, both made by hooks on every write.
  db.version(6)
    .stores({
      calls:
        'id, sipCallId, startedAt, peerNumber, contactId, answeredById, callerEmployeeId, *terms, missedOpenAt',
    })
    .upgrade((tx) =>
      tx
        .table('calls')
        .toCollection()
        .modify((c: CallRowKeys) => {
          c.terms = callTerms(c)
          c.missedOpenAt = missedOpenAt(c)
        }),
    )
  // v7: C10 My calls holds the calls I declined — by `declinedIds` (multiEntry), no rewrite needed.
  db.version(7).stores({
    calls:
      'id, sipCallId, startedAt, peerNumber, contactId, answeredById, callerEmployeeId, *terms, missedOpenAt, *declinedIds',
  })
  // v8: K1/A4 the phone's own contacts (picked on this device, never sent), looked up by number.
  db.version(8).stores({ phoneBook: 'id, *numbers' })
  // v9: probe 12 #12 My calls holds a transfer (or a colleague's call) that rang me and I never got —
  // by `missedByIds` (multiEntry), no rewrite needed.
  db.version(9).stores({
    calls:
      'id, sipCallId, startedAt, peerNumber, contactId, answeredById, callerEmployeeId, *terms, missedOpenAt, *declinedIds, *missedByIds',
  })
  db.calls.hook('creating', (_key, c) => {
    const row = c as CallRowKeys
    row.terms = callTerms(c)
    row.missedOpenAt = missedOpenAt(c)
  })
  // A put over a stored call arrives here with the stored keys missing from the new object (the
  // diff would delete them): they are made again on every update, never left to the diff.
  db.calls.hook('updating', (mods, _key, c) => {
    const next = { ...c, ...(mods as Partial<CallView>) }
    return { terms: callTerms(next), missedOpenAt: missedOpenAt(next) }
  })
  return db
}

function recordingItem(r: LegacyRecordingRow, seq: number): OutboxItem {
  const refused = r.state === 'rejected'
  return {
    id: `recording:${r.sipCallId}`,
    kind: 'recording',
    key: `recording:${r.sipCallId}`,
    seq,
    state: refused ? 'refused' : r.attempts > 0 ? 'failed-retryable' : 'queued',
    payload: { sipCallId: r.sipCallId, blob: r.blob, type: r.type, durationMs: r.durationMs },
    attempts: r.attempts,
    nextAt: refused ? 0 : r.nextAt,
    lastError: r.lastError,
    claimedBy: null,
    claimedAt: 0,
    createdAt: r.createdAt,
  }
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

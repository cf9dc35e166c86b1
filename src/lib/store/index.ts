/** The store door: the active account's Dexie database. */
import { createSignal } from 'solid-js'
import { type FrontlineDb, openDb } from './db.ts'

export { callTerms, queryTerm } from './call-terms.ts'
export type {
  ChatRow,
  FrontlineDb,
  LeadRow,
  LocalSendState,
  MessageRow,
  MetaKey,
  OutboxItem,
  OutboxKind,
  PhoneContactRow,
  TableName,
  TemplateRow,
} from './db.ts'
export { getMeta, setMeta } from './db.ts'

const [current, setCurrent] = createSignal<FrontlineDb | null>(null)

/** The database of the active account (null when signed out). Reactive. */
export const db = current

/** Switch the database to an account (or close it on sign-out). */
export function useAccountDb(accountKey: string | null): FrontlineDb | null {
  const prev = current()
  if (prev && prev.name === `frontline-${accountKey}`) return prev
  prev?.close()
  const next = accountKey ? openDb(accountKey) : null
  setCurrent(() => next)
  return next
}

/** Delete an account's local data (on log out). */
export async function deleteAccountDb(accountKey: string): Promise<void> {
  const d = current()
  if (d?.name === `frontline-${accountKey}`) {
    d.close()
    setCurrent(null)
  }
  await openDb(accountKey).delete()
}
export { createLiveQuery, createSharedQuery } from './live.ts'
export { type SharedQuery, sharedLiveQuery } from './shared.ts'

/**
 * SPEC K1/K2 data: REST snapshots mirrored into Dexie; screens render from Dexie (offline first).
 * Live status changes arrive through the realtime link (lib/sync applies them to `employees`).
 */
import { createSignal } from 'solid-js'
import type { ClientView } from '../../../contract/api.ts'
import { ApiError, api } from '../../lib/api/index.ts'
import { db, type FrontlineDb, setMeta } from '../../lib/store/index.ts'

const [stale, setStale] = createSignal(false)

/** True while the contacts shown are the saved copy because the server was unreachable. */
export { stale }

/** Replace a table's contents with a fresh snapshot in one transaction. */
async function replaceAll<T>(
  table: { clear(): Promise<void>; bulkPut(rows: T[]): Promise<unknown> },
  rows: T[],
) {
  await table.clear()
  await table.bulkPut(rows)
}

/** Load employees, groups and the first clients from the server into Dexie. */
export async function refreshContacts(d: FrontlineDb): Promise<void> {
  try {
    const [employees, groups, clients] = await Promise.all([
      api('GET /api/contacts/employees'),
      api('GET /api/contacts/groups'),
      api('GET /api/contacts/clients', { query: { limit: '200' } }),
    ])
    await d.transaction('rw', [d.employees, d.groups, d.clients, d.meta], async () => {
      await replaceAll(d.employees, employees)
      await replaceAll(d.groups, groups)
      await d.clients.bulkPut(clients)
      await setMeta(d, 'contactsSyncedAt', new Date().toISOString())
    })
    setStale(false)
  } catch (e) {
    if (e instanceof ApiError && e.code === 'E_NETWORK') setStale(true)
    else console.error('contacts refresh', e)
  }
}

let presenceTimer: ReturnType<typeof setTimeout> | undefined
/**
 * S1: presence and group availability are computed by the server with the one rule of
 * contract/presence.ts — re-read employees and groups shortly after status, line or call changes
 * settle (a burst of events costs one read).
 */
export function refreshPresenceSoon(): void {
  clearTimeout(presenceTimer)
  presenceTimer = setTimeout(async () => {
    const d = db()
    if (!d) return
    try {
      const [employees, groups] = await Promise.all([
        api('GET /api/contacts/employees'),
        api('GET /api/contacts/groups'),
      ])
      await d.transaction('rw', [d.employees, d.groups], async () => {
        await replaceAll(d.employees, employees)
        await replaceAll(d.groups, groups)
      })
    } catch {
      // Offline: keep the saved copy.
    }
  }, 300)
}

/** Ask the server for clients matching `q` and merge them into Dexie (results render from Dexie). */
export async function searchClientsRemote(d: FrontlineDb, q: string, signal?: AbortSignal): Promise<void> {
  const rows = await api('GET /api/contacts/clients', { query: { q, limit: '50' }, signal })
  await d.clients.bulkPut(rows)
}

/** Fetch one client card into Dexie; returns false when the server says it does not exist. */
export async function fetchClient(d: FrontlineDb, id: string): Promise<boolean> {
  try {
    const c = await api('GET /api/contacts/clients/:id', { params: { id } })
    await d.clients.put(c)
    return true
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
      await d.clients.delete(id)
      return false
    }
    return true
  }
}

/** Local match of a client against a query (name, phone digits, e-mail). */
export function clientMatches(c: ClientView, q: string): boolean {
  const s = q.trim().toLowerCase()
  if (!s) return true
  if (c.name.toLowerCase().includes(s)) return true
  if (c.emails.some((e) => e.toLowerCase().includes(s))) return true
  const digits = s.replace(/\D/g, '')
  return digits.length > 0 && c.phones.some((p) => p.replace(/\D/g, '').includes(digits))
}

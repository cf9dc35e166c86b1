/**
 * SPEC K1, A4: the phone's own contacts, picked through the Contact Picker API where the browser has
 * it (Chrome on Android), kept in the account's Dexie database on this device only — the phone's
 * private book is never sent to the server. With "Prefer names from the phone's contact book" on,
 * the screens that name a caller by number show the phone-book name (`phoneBookName`).
 *
 * This core stays free of libphonenumber-js (the shell imports it): numbers are keyed by E.164, made
 * by the caller that picks (features/calls/phoneFormat.ts `toE164`) and by the screens that look up.
 */
import { createRoot, createSignal } from 'solid-js'
import { createLiveQuery, db, type FrontlineDb, type PhoneContactRow } from '../store/index.ts'

/** A contact as the picker gives it (W3C Contact Picker API, `ContactInfo`). */
interface ContactInfo {
  name?: string[]
  tel?: string[]
}
interface ContactsManager {
  select(props: string[], opts?: { multiple?: boolean }): Promise<ContactInfo[]>
  getProperties?(): Promise<string[]>
}

function manager(): ContactsManager | null {
  const c = (globalThis.navigator as { contacts?: Partial<ContactsManager> } | undefined)?.contacts
  return c && typeof c.select === 'function' ? (c as ContactsManager) : null
}

/** Whether this browser can read the phone's contacts (`navigator.contacts.select`). */
export function pickerSupported(): boolean {
  return manager() !== null
}

/** A picked contact: its name and its numbers (as the phone wrote them). */
export interface PickedContact {
  name: string
  tels: string[]
}

/** Opens the phone's contact picker (needs a user gesture); [] when the user picked nobody. */
export async function pickFromPhone(): Promise<PickedContact[]> {
  const m = manager()
  if (!m) throw new Error('Contact Picker API missing')
  const props = (await m.getProperties?.()) ?? ['name', 'tel']
  if (!props.includes('tel')) throw new Error('The picker gives no numbers')
  const picked = await m.select(['name', 'tel'], { multiple: true })
  return picked.map((c) => ({
    name: (c.name ?? []).map((n) => n.trim()).find(Boolean) ?? '',
    tels: (c.tel ?? []).filter((n) => typeof n === 'string'),
  }))
}

/** Longest name kept (a phone's names are short; a hostile picker's are cut). */
const MAX_NAME = 100

/**
 * Keeps picked contacts on this device: numbers `normalise` cannot read are dropped, and a contact
 * without a number is none. A number picked again takes the newer name. Returns how many were kept.
 */
export async function keepPicked(
  d: FrontlineDb,
  picked: PickedContact[],
  normalise: (raw: string) => string | null,
): Promise<number> {
  const rows: PhoneContactRow[] = []
  for (const p of picked) {
    const numbers = [...new Set(p.tels.map(normalise).filter((n): n is string => n !== null))]
    const name = p.name.slice(0, MAX_NAME)
    if (numbers.length && name) rows.push({ id: numbers[0] as string, name, numbers })
  }
  await d.transaction('rw', d.phoneBook, async () => {
    const all = rows.flatMap((r) => r.numbers)
    // A number now in a newer contact leaves the older one (one name per number).
    await d.phoneBook.where('numbers').anyOf(all).delete()
    await d.phoneBook.bulkPut(rows)
  })
  return rows.length
}

/** Forgets every picked contact of this device. */
export function forgetPicked(d: FrontlineDb): Promise<void> {
  return d.phoneBook.clear()
}

/** The name each kept number goes by. */
export function namesByNumber(rows: PhoneContactRow[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const r of rows) for (const n of r.numbers) m.set(n, r.name)
  return m
}

const [on, setOn] = createSignal(false)
/** A4 "Prefer names from the phone's contact book" (the account feature's device setting). Reactive. */
export const phoneNamesOn = on
/** Told by the account feature when the setting loads or changes. */
export const setPhoneNamesOn = (v: boolean) => setOn(v)

/** Name by E.164 number, read only while the setting is on. */
const names = createRoot(() =>
  createLiveQuery(
    db,
    on,
    async (d, enabled) => (enabled ? namesByNumber(await d.phoneBook.toArray()) : new Map<string, string>()),
    new Map<string, string>(),
  ),
)

/** How many contacts this device keeps (for Settings). Reactive. */
export const pickedCount = createRoot(() =>
  createLiveQuery(
    db,
    () => 0,
    (d) => d.phoneBook.count(),
    0,
  ),
)

/** The phone-book name of an E.164 number when the setting is on, else null. Reactive. */
export function phoneBookName(e164: string | null | undefined): string | null {
  if (!on() || !e164) return null
  return names().get(e164) ?? null
}

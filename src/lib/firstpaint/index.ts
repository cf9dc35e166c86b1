/**
 * Issue 10 (warm start budget): the operator's last Requests list, kept in localStorage so that
 * index.html's static shell (public/boot.js, a classic script that runs before the app bundle) can
 * paint it at once — the rows with data show before the app, Dexie and the router have started.
 *
 * Two keys: `frontline.account` names the signed-in account (`<tenant>.<employee>`), and the snapshot
 * itself sits under `frontline.requests.<tenant>.<employee>`, carrying its version and account again.
 * boot.js shows it only when all three agree (and the language is the app's); every snapshot is
 * removed when the active account changes (sign-out, a switch between saved accounts, a session the
 * server refused). The texts are already formatted by the app (its language, its helpers): boot.js
 * only puts them into the live rows' markup, as text.
 *
 * boot.js repeats `validSnapshot` in plain JS (it cannot import this module): keep them in step.
 */

/** Bump when the shape changes: boot.js ignores any other version. */
export const SNAPSHOT_VERSION = 1
/** The first rows that fill a tall phone's list. */
export const SNAPSHOT_ROWS = 15
/** The key that names the active account for boot.js. */
export const ACCOUNT_KEY = 'frontline.account'
const PREFIX = 'frontline.requests.'

/** A Requests tab as the app shows it: its label with the count, whether it is the shown one, unread. */
export interface SnapshotTab {
  text: string
  on: boolean
  /** The unread badge's number (0: none). */
  unread: number
}

/** A chat row as the app shows it (ChatListRow). */
export interface SnapshotRow {
  /** `/requests/<id>`. */
  href: string
  name: string
  /** Channel text, e.g. "Web chat". */
  channel: string
  /** Last message preview. */
  preview: string
  /** "waiting 5 min" (New) or the last activity's time. */
  time: string
  /** The `datetime` of the time (not for a waiting text). */
  at: string | null
  /** The unread mark (0: none). */
  unread: number
}

export interface RequestsSnapshot {
  v: number
  /** `<tenant>.<employee>`, as lib/session's accountKey. */
  account: string
  lang: string
  savedAt: string
  /** Whether `/` starts on Requests (the operator's start page). */
  start: boolean
  /** The list's accessible name (the tab's label). */
  label: string
  /** The offline notice the screen shows without a network. */
  offline: string
  tabs: SnapshotTab[]
  rows: SnapshotRow[]
}

/** The storage key of an account's snapshot. */
export const snapshotKey = (account: string): string => `${PREFIX}${account}`

const str = (x: unknown, max = 500): x is string => typeof x === 'string' && x.length <= max
const count = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0

/** Is `x` a snapshot of this version, for `account` (and `lang` when given)? Anything else: null. */
export function validSnapshot(x: unknown, account: string, lang?: string): RequestsSnapshot | null {
  if (!x || typeof x !== 'object') return null
  const s = x as RequestsSnapshot
  if (s.v !== SNAPSHOT_VERSION || s.account !== account || !account) return null
  if (lang !== undefined && s.lang !== lang) return null
  if (!str(s.label) || !str(s.offline) || !Array.isArray(s.tabs) || !Array.isArray(s.rows)) return null
  if (s.rows.length > SNAPSHOT_ROWS || s.tabs.length > 8) return null
  const tabOk = (t: SnapshotTab) => t && str(t.text) && typeof t.on === 'boolean' && count(t.unread)
  const rowOk = (r: SnapshotRow) =>
    r &&
    str(r.href) &&
    r.href.startsWith('/requests/') &&
    !r.href.startsWith('//') &&
    str(r.name) &&
    str(r.channel) &&
    str(r.preview, 2000) &&
    str(r.time) &&
    (r.at === null || str(r.at)) &&
    count(r.unread)
  return s.tabs.every(tabOk) && s.rows.every(rowOk) ? s : null
}

/** The storage boot.js reads (absent or refusing: private mode, quota). */
type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

function storage(): Store | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

/** Saves `s` for its account and names that account as the active one. */
export function saveSnapshot(s: RequestsSnapshot, store: Store | null = storage()): void {
  if (!store) return
  try {
    const json = JSON.stringify(s)
    const key = snapshotKey(s.account)
    // Unchanged: no write (the list re-renders on every event).
    if (store.getItem(ACCOUNT_KEY) === s.account && store.getItem(key) === json) return
    store.setItem(ACCOUNT_KEY, s.account)
    store.setItem(key, json)
  } catch {
    // Full or refused: the next start paints the plain shell.
  }
}

/** The saved snapshot of the active account, if it is valid for it. */
export function loadSnapshot(lang?: string, store: Store | null = storage()): RequestsSnapshot | null {
  if (!store) return null
  try {
    const account = store.getItem(ACCOUNT_KEY) ?? ''
    const raw = store.getItem(snapshotKey(account))
    return raw ? validSnapshot(JSON.parse(raw), account, lang) : null
  } catch {
    return null
  }
}

/** Removes every saved snapshot and the active account's name (sign-out, switch, refused session). */
export function clearSnapshots(store: Store | null = storage()): void {
  if (!store) return
  try {
    const keys: string[] = []
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i)
      if (k?.startsWith(PREFIX)) keys.push(k)
    }
    for (const k of keys) store.removeItem(k)
    store.removeItem(ACCOUNT_KEY)
  } catch {}
}

/**
 * SPEC A2: the device's saved accounts (pure logic; persisted by session.ts in idb-keyval).
 * An account is keyed by tenant + employee, so signing in again replaces the old token.
 * Only the session token and the profile are kept — never the password.
 */
import type { Me } from '../../../contract/api.ts'

export interface SavedAccount {
  key: string
  token: string
  me: Me
  savedAt: string
}

export interface AccountsState {
  list: SavedAccount[]
  activeKey: string | null
}

/** The idb-keyval key the saved accounts live under (the service worker reads them too: sw/outbox.ts). */
export const ACCOUNTS_KEY = 'accounts'

export const EMPTY_ACCOUNTS: AccountsState = { list: [], activeKey: null }

/** The key of an account: one per employee of a tenant. */
export function accountKey(me: Pick<Me, 'tenantId' | 'id'>): string {
  return `${me.tenantId}.${me.id}`
}

/** Add or refresh an account after a login and make it the active one. */
export function upsertAccount(s: AccountsState, token: string, me: Me, now: Date): AccountsState {
  const key = accountKey(me)
  const acc: SavedAccount = { key, token, me, savedAt: now.toISOString() }
  const i = s.list.findIndex((a) => a.key === key)
  const list = i < 0 ? [...s.list, acc] : s.list.map((a) => (a.key === key ? acc : a))
  return { list, activeKey: key }
}

/** Forget an account; if it was active, the next saved one (if any) becomes active. */
export function removeAccount(s: AccountsState, key: string): AccountsState {
  const list = s.list.filter((a) => a.key !== key)
  // A2: logging out of the active account opens nobody else's; the sign-in screen offers the rest.
  const activeKey = s.activeKey === key ? null : s.activeKey
  return { list, activeKey }
}

/** Make a saved account active; unknown keys change nothing. */
export function activate(s: AccountsState, key: string): AccountsState {
  return s.list.some((a) => a.key === key) ? { ...s, activeKey: key } : s
}

/** Replace the profile of a saved account (fresh /api/me, a status change). */
export function updateMe(s: AccountsState, key: string, patch: Partial<Me>): AccountsState {
  return { ...s, list: s.list.map((a) => (a.key === key ? { ...a, me: { ...a.me, ...patch } } : a)) }
}

/** The active account, if any. */
export function activeAccount(s: AccountsState): SavedAccount | null {
  return s.list.find((a) => a.key === s.activeKey) ?? null
}

/** Accept only well-formed stored state (IndexedDB may hold data from an older build). */
export function parseAccounts(raw: unknown): AccountsState {
  if (!raw || typeof raw !== 'object') return EMPTY_ACCOUNTS
  const r = raw as Partial<AccountsState>
  const list = Array.isArray(r.list)
    ? r.list.filter(
        (a): a is SavedAccount =>
          !!a &&
          typeof a.key === 'string' &&
          typeof a.token === 'string' &&
          typeof a.me === 'object' &&
          a.me !== null &&
          !('password' in a),
      )
    : []
  // `null` is a choice (logged out, others kept); only an older build's state without it picks the first.
  const activeKey = list.some((a) => a.key === r.activeKey)
    ? (r.activeKey as string)
    : r.activeKey === null
      ? null
      : (list[0]?.key ?? null)
  return { list, activeKey }
}

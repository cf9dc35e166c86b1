/**
 * The active session (SPEC A1/A2): saved accounts in idb-keyval, login, switch, log out.
 * Screens read `me()` and `accounts()`; nothing here touches the DOM.
 */

import { del, get, set } from 'idb-keyval'
import { createMemo, createSignal } from 'solid-js'
import type { Me, SipSettings } from '../../../contract/api.ts'
import { ApiError, api } from '../api/index.ts'
import { ACCOUNT_KEY, clearSnapshots } from '../firstpaint/index.ts'
import { forgetPush } from '../push/index.ts'
import { deleteAccountDb } from '../store/index.ts'
import {
  ACCOUNTS_KEY,
  type AccountsState,
  activate,
  activeAccount,
  EMPTY_ACCOUNTS,
  parseAccounts,
  removeAccount,
  type SavedAccount,
  updateMe,
  upsertAccount,
} from './accounts.ts'

const KEY = ACCOUNTS_KEY

const [accounts, setAccounts] = createSignal<AccountsState>(EMPTY_ACCOUNTS)

/** Saved accounts and the active key (reactive). */
export { accounts }

/** The active saved account (reactive). */
export const active = createMemo(() => activeAccount(accounts()))
/** The signed-in operator's profile, or null (reactive). */
export const me = createMemo(() => active()?.me ?? null)
/** The active session token (for the API client and the realtime link). */
export const token = (): string | null => active()?.token ?? null

// SIP settings are ephemeral credentials: memory only, refreshed by /api/me (issue 3 uses them).
const [sip, setSip] = createSignal<SipSettings | null>(null)

export { sip }

/** Key of an account whose token the server refused; the Account screen offers to sign in again. */
const [revoked, setRevoked] = createSignal<SavedAccount | null>(null)

export { revoked }

/** Why the server refused it: the error code (E_ACCOUNT_DEACTIVATED: the admin switched it off). */
const [revokedWhy, setRevokedWhy] = createSignal('')

export { revokedWhy }

async function commit(next: AccountsState): Promise<void> {
  // Issue 10 (warm start): the saved Requests list belongs to one account; another active one (a
  // switch, a sign-out, a refused session) must never paint it (lib/firstpaint, public/boot.js).
  if (next.activeKey !== accounts().activeKey) clearSnapshots()
  setAccounts(next)
  await set(KEY, next)
}

/** Load saved accounts from IndexedDB (once at boot). */
export async function loadAccounts(): Promise<void> {
  setAccounts(parseAccounts(await get(KEY).catch(() => null)))
  // A snapshot named for another account than the active one (changed elsewhere) is dropped.
  if (readAccountKey() !== (accounts().activeKey ?? null)) clearSnapshots()
}

function readAccountKey(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY)
  } catch {
    return null
  }
}

/**
 * Probe 13 #13: a sign-in with a password the admin issued, held in memory (never saved, no runtime
 * started: the server answers nothing else) until the employee chooses his own (`chooseOwnPassword`).
 */
export interface FirstSignIn {
  token: string
  me: Me
  /** The issued password he just typed: the "current" one of the change. */
  given: string
}

const [firstSignIn, setFirstSignIn] = createSignal<FirstSignIn | null>(null)

export { firstSignIn }

/**
 * POST /api/auth/login and make the account active — unless its password is a one-time one: then
 * it waits in `firstSignIn()` for `chooseOwnPassword`. Throws ApiError with the server's code.
 */
export async function signIn(login: string, password: string): Promise<Me> {
  const r = await api('POST /api/auth/login', { body: { login, password }, token: null })
  setRevoked(null)
  if (r.me.mustChangePassword) {
    setFirstSignIn({ token: r.token, me: r.me, given: password })
    return r.me
  }
  setFirstSignIn(null)
  setSip(r.sip)
  await commit(upsertAccount(accounts(), r.token, r.me, new Date()))
  return r.me
}

/**
 * Probe 13 #13: the held first sign-in sets its own password (every other session of the account,
 * anyone else holding the issued password, is ended), then becomes the active account.
 */
export async function chooseOwnPassword(next: string): Promise<Me> {
  const first = firstSignIn()
  if (!first) throw new ApiError('E_AUTH_REQUIRED', 401, 'no first sign-in')
  await api('PUT /api/me/password', {
    body: { current: first.given, next, signOutOthers: true },
    token: first.token,
  })
  const r = await api('GET /api/me', { token: first.token })
  setFirstSignIn(null)
  setSip(r.sip)
  await commit(upsertAccount(accounts(), first.token, r.me, new Date()))
  return r.me
}

/** Leaves the first sign-in without a password of his own: that session is ended. */
export async function cancelFirstSignIn(): Promise<void> {
  const first = firstSignIn()
  setFirstSignIn(null)
  if (first) await api('POST /api/auth/logout', { token: first.token }).catch(() => {})
}

/**
 * Switch to a saved account without a password: its token is checked with GET /api/me first.
 * Returns 'ok', 'revoked' (the server ended that session) or 'offline' (switched on trust).
 */
export async function switchTo(key: string): Promise<'ok' | 'revoked' | 'offline'> {
  const acc = accounts().list.find((a) => a.key === key)
  if (!acc) return 'revoked'
  try {
    const r = await api('GET /api/me', { token: acc.token })
    setSip(r.sip)
    await commit(activate(updateMe(accounts(), key, r.me), key))
    return 'ok'
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setRevoked(acc)
      return 'revoked'
    }
    if (e instanceof ApiError && e.code === 'E_NETWORK') {
      await commit(activate(accounts(), key))
      return 'offline'
    }
    throw e
  }
}

/** Refresh the active profile from the server (boot, reconnect). */
export async function refreshMe(): Promise<void> {
  const acc = active()
  if (!acc) return
  const r = await api('GET /api/me', { token: acc.token })
  setSip(r.sip)
  await commit(updateMe(accounts(), acc.key, r.me))
}

/** Patch the active profile locally (status changed by us or by a realtime event). */
export async function patchMe(patch: Partial<Me>): Promise<void> {
  const acc = active()
  if (acc) await commit(updateMe(accounts(), acc.key, patch))
}

/** The server refused the active token: drop it from the active slot and remember why. */
export async function markRevoked(tokenValue: string, code?: string): Promise<void> {
  const acc = accounts().list.find((a) => a.token === tokenValue)
  if (!acc) return
  // The socket's close says only "unauthorized": ask once why (a deactivated account is told so).
  const why =
    code ??
    (await api('GET /api/me', { token: tokenValue }).then(
      () => '',
      (e: unknown) => (e instanceof ApiError ? e.code : ''),
    ))
  setRevokedWhy(why)
  setRevoked(acc)
  clearSnapshots()
  await commit(removeAccount(accounts(), acc.key))
}

/** Forget the "session ended" notice. */
export function clearRevoked(): void {
  setRevoked(null)
}

/** Log out: revoke the session on the server (best effort when offline) and forget the account. */
export async function signOut(key: string): Promise<void> {
  const acc = accounts().list.find((a) => a.key === key)
  if (!acc) return
  // N1: this device stops getting that account's pushes (before the token is revoked).
  await forgetPush(acc.token).catch(() => {})
  await api('POST /api/auth/logout', { token: acc.token }).catch(() => {})
  const next = removeAccount(accounts(), key)
  if (key === accounts().activeKey) clearSnapshots()
  await commit(next)
  if (next.list.length === 0) await del(KEY)
  await deleteAccountDb(key).catch(() => {})
}

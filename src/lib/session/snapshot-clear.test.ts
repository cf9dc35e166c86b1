/**
 * Issue 10 (warm start): the last Requests list saved for index.html's shell (lib/firstpaint) belongs
 * to one account — a sign-in of another, a switch, a sign-out or a session the server refused removes it.
 */
import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Me } from '../../../contract/api.ts'
import { ACCOUNT_KEY, SNAPSHOT_VERSION, saveSnapshot, snapshotKey } from '../firstpaint/index.ts'

const me = (id: string): Me => ({
  id,
  tenantId: 't1',
  tenantName: 'Demo',
  login: `${id}@demo`,
  name: id.toUpperCase(),
  role: 'operator',
  extension: '101',
  status: 'available',
  features: { softphone: true, omni: true },
})

// The server, as far as the session asks it: login answers with the account, /api/me refuses `dead`.
vi.mock('../api/index.ts', () => {
  class ApiError extends Error {
    constructor(
      readonly status: number,
      readonly code: string,
    ) {
      super(code)
    }
  }
  return {
    ApiError,
    api: async (route: string, o: { body?: { login: string }; token?: string | null }) => {
      if (route === 'POST /api/auth/login') {
        const id = (o.body?.login ?? '').split('@')[0] ?? ''
        return { token: `tok-${id}`, me: me(id), sip: null }
      }
      if (route === 'GET /api/me') {
        if (o.token === 'tok-dead') throw new ApiError(401, 'E_UNAUTHORIZED')
        const id = String(o.token).replace('tok-', '')
        return { me: me(id), sip: null }
      }
      return {}
    },
  }
})
vi.mock('../push/index.ts', () => ({ forgetPush: async () => {} }))

const store = new Map<string, string>()
vi.stubGlobal('localStorage', {
  get length() {
    return store.size
  },
  key: (i: number) => [...store.keys()][i] ?? null,
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, String(v)),
  removeItem: (k: string) => void store.delete(k),
  clear: () => store.clear(),
})

const { markRevoked, signIn, signOut, switchTo } = await import('./session.ts')

const save = (id: string) =>
  saveSnapshot({
    v: SNAPSHOT_VERSION,
    account: `t1.${id}`,
    lang: 'en',
    savedAt: '2026-01-01T00:00:00.000Z',
    start: false,
    label: 'New',
    offline: 'Offline',
    tabs: [],
    rows: [],
  })
const saved = () => [...store.keys()].filter((k) => k === ACCOUNT_KEY || k.startsWith('frontline.requests.'))

describe('the first-paint snapshot follows the active account', () => {
  beforeEach(() => store.clear())

  it('a sign-in of another account, a switch back and a sign-out each remove it', async () => {
    await signIn('a@demo', 'x')
    save('a')
    expect(saved()).toEqual([ACCOUNT_KEY, snapshotKey('t1.a')])
    await signIn('b@demo', 'x')
    expect(saved()).toEqual([])
    save('b')
    expect(await switchTo('t1.a')).toBe('ok')
    expect(saved()).toEqual([])
    save('a')
    // Signing in again to the active account keeps it (same account).
    await signIn('a@demo', 'x')
    expect(saved()).toEqual([ACCOUNT_KEY, snapshotKey('t1.a')])
    await signOut('t1.a')
    expect(saved()).toEqual([])
  })

  it('a session the server refused removes it', async () => {
    await signIn('dead@demo', 'x')
    save('dead')
    await markRevoked('tok-dead')
    expect(saved()).toEqual([])
  })
})

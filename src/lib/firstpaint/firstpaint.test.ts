import { describe, expect, it } from 'vitest'
import {
  ACCOUNT_KEY,
  clearSnapshots,
  loadSnapshot,
  type RequestsSnapshot,
  SNAPSHOT_ROWS,
  SNAPSHOT_VERSION,
  saveSnapshot,
  snapshotKey,
  validSnapshot,
} from './index.ts'

/** localStorage's shape over a Map (the unit tests run in Node). */
function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    get length() {
      return map.size
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  }
}

const A = 't1.e1'
const B = 't1.e2'
const snap = (over: Partial<RequestsSnapshot> = {}): RequestsSnapshot => ({
  v: SNAPSHOT_VERSION,
  account: A,
  lang: 'en',
  savedAt: '2026-01-01T00:00:00.000Z',
  start: false,
  label: 'New',
  offline: 'Offline',
  tabs: [{ text: 'New 2', on: true, unread: 0 }],
  rows: [
    {
      href: '/requests/c1',
      name: '<img src=x onerror=alert(1)>',
      channel: 'Web chat',
      preview: 'hello',
      time: 'waiting 3 min',
      at: null,
      unread: 1,
    },
  ],
  ...over,
})

describe('first paint snapshot (issue 10, warm start)', () => {
  it('saves under the account’s key, names the account, and loads it back as it was', () => {
    const s = memoryStorage()
    saveSnapshot(snap(), s)
    expect(s.getItem(ACCOUNT_KEY)).toBe(A)
    expect(s.map.has(snapshotKey(A))).toBe(true)
    // Client text is data, kept as is (boot.js sets it as text).
    expect(loadSnapshot('en', s)?.rows[0]?.name).toBe('<img src=x onerror=alert(1)>')
  })

  it('is ignored for another account, another version or another language', () => {
    const s = memoryStorage()
    saveSnapshot(snap(), s)
    expect(loadSnapshot('ru', s)).toBeNull()
    // The active account named is B, A's snapshot is not B's.
    s.setItem(ACCOUNT_KEY, B)
    expect(loadSnapshot('en', s)).toBeNull()
    // A's snapshot copied under B's key still says A.
    s.setItem(snapshotKey(B), JSON.stringify(snap()))
    expect(loadSnapshot('en', s)).toBeNull()
    expect(validSnapshot(snap({ v: SNAPSHOT_VERSION + 1 }), A)).toBeNull()
    expect(validSnapshot(snap(), '')).toBeNull()
    expect(validSnapshot(snap(), A, 'en')).not.toBeNull()
  })

  it('refuses a malformed one: a link off the Requests screens, too many rows, wrong types', () => {
    const row = snap().rows[0]
    if (!row) throw new Error('no row')
    expect(validSnapshot(snap({ rows: [{ ...row, href: 'https://evil.example/' }] }), A)).toBeNull()
    expect(validSnapshot(snap({ rows: [{ ...row, href: 'javascript:alert(1)' }] }), A)).toBeNull()
    expect(validSnapshot(snap({ rows: Array(SNAPSHOT_ROWS + 1).fill(row) }), A)).toBeNull()
    expect(validSnapshot(snap({ rows: [{ ...row, unread: -1 }] }), A)).toBeNull()
    expect(validSnapshot({ ...snap(), tabs: 'x' }, A)).toBeNull()
    expect(validSnapshot(null, A)).toBeNull()
    const s = memoryStorage()
    s.setItem(ACCOUNT_KEY, A)
    s.setItem(snapshotKey(A), '{not json')
    expect(loadSnapshot('en', s)).toBeNull()
  })

  it('clears every snapshot and the account’s name, and leaves other keys', () => {
    const s = memoryStorage()
    saveSnapshot(snap({ account: B }), s)
    saveSnapshot(snap(), s)
    s.setItem('frontline.lang', 'ru')
    clearSnapshots(s)
    expect([...s.map.keys()]).toEqual(['frontline.lang'])
    expect(loadSnapshot('en', s)).toBeNull()
  })

  it('does not write an unchanged snapshot again, and survives a storage that refuses', () => {
    const s = memoryStorage()
    let writes = 0
    const set = s.setItem
    s.setItem = (k, v) => {
      writes++
      set(k, v)
    }
    saveSnapshot(snap(), s)
    saveSnapshot(snap(), s)
    expect(writes).toBe(2)
    s.setItem = () => {
      throw new Error('QuotaExceededError')
    }
    expect(() => saveSnapshot(snap({ label: 'other' }), s)).not.toThrow()
    expect(() => saveSnapshot(snap(), null)).not.toThrow()
  })
})

import { describe, expect, it } from 'vitest'
import type { Me } from '../../../contract/api.ts'
import {
  accountKey,
  activate,
  activeAccount,
  EMPTY_ACCOUNTS,
  parseAccounts,
  removeAccount,
  updateMe,
  upsertAccount,
} from './accounts.ts'

const me = (id: string, tenantId = 't1'): Me => ({
  id,
  tenantId,
  tenantName: 'Demo',
  login: `${id}@demo`,
  name: id.toUpperCase(),
  role: 'operator',
  extension: '101',
  status: 'available',
  features: { softphone: true, omni: true },
})
const now = new Date('2026-01-01T00:00:00Z')

describe('saved accounts', () => {
  it('adds accounts and makes the newest active', () => {
    let s = upsertAccount(EMPTY_ACCOUNTS, 'tok-a', me('a'), now)
    s = upsertAccount(s, 'tok-b', me('b'), now)
    expect(s.list.map((a) => a.key)).toEqual(['t1.a', 't1.b'])
    expect(activeAccount(s)?.token).toBe('tok-b')
  })
  it('signing in again replaces the token instead of duplicating', () => {
    let s = upsertAccount(EMPTY_ACCOUNTS, 'old', me('a'), now)
    s = upsertAccount(s, 'other', me('b'), now)
    s = upsertAccount(s, 'new', me('a'), now)
    expect(s.list).toHaveLength(2)
    expect(s.list[0]?.token).toBe('new')
    expect(s.activeKey).toBe('t1.a')
  })
  it('same employee id in another tenant is another account', () => {
    expect(accountKey(me('a', 't1'))).not.toBe(accountKey(me('a', 't2')))
  })
  it('switching activates only known accounts', () => {
    let s = upsertAccount(EMPTY_ACCOUNTS, 'x', me('a'), now)
    s = upsertAccount(s, 'y', me('b'), now)
    expect(activate(s, 't1.a').activeKey).toBe('t1.a')
    expect(activate(s, 'nope')).toBe(s)
  })
  it("removing the active account leaves none active: logging out never opens another person's", () => {
    let s = upsertAccount(EMPTY_ACCOUNTS, 'x', me('a'), now)
    s = upsertAccount(s, 'y', me('b'), now)
    s = removeAccount(s, 't1.b')
    expect(s).toEqual({ list: [expect.objectContaining({ key: 't1.a' })], activeKey: null })
    // …and a reload does not open the one left either (an older build's state without activeKey does).
    expect(parseAccounts(JSON.parse(JSON.stringify(s))).activeKey).toBe(null)
    expect(parseAccounts({ list: s.list }).activeKey).toBe('t1.a')
    s = removeAccount(s, 't1.a')
    expect(s).toEqual({ list: [], activeKey: null })
  })
  it('removing an inactive account keeps the active one', () => {
    let s = upsertAccount(EMPTY_ACCOUNTS, 'x', me('a'), now)
    s = upsertAccount(s, 'y', me('b'), now)
    expect(removeAccount(s, 't1.a').activeKey).toBe('t1.b')
  })
  it('updates one profile', () => {
    const s = updateMe(upsertAccount(EMPTY_ACCOUNTS, 'x', me('a'), now), 't1.a', { status: 'break' })
    expect(s.list[0]?.me.status).toBe('break')
  })
  it('parses stored state defensively and never keeps a password', () => {
    expect(parseAccounts(null)).toEqual(EMPTY_ACCOUNTS)
    const good = upsertAccount(EMPTY_ACCOUNTS, 'x', me('a'), now)
    expect(parseAccounts(JSON.parse(JSON.stringify(good)))).toEqual(good)
    const withPw = { list: [{ ...good.list[0], password: 'p' }], activeKey: 't1.a' }
    expect(parseAccounts(withPw)).toEqual(EMPTY_ACCOUNTS)
    expect(parseAccounts({ list: good.list, activeKey: 'gone' }).activeKey).toBe('t1.a')
  })
})

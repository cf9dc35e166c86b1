import { describe, expect, it } from 'vitest'
import { presenceOf } from '../../../contract/presence.ts'
import { DEFAULT_STATUS_MATRIX } from '../../../contract/status.ts'
import {
  normalizeNumber,
  presenceInput,
  type RoutingEmployee,
  type RoutingGroup,
  type RoutingSnapshot,
  routeCall,
  transferTargets,
} from './index.ts'

const emp = (id: string, extension: string, over: Partial<RoutingEmployee> = {}): RoutingEmployee => ({
  id,
  extension,
  mobile: null,
  status: 'available',
  registered: true,
  inCall: false,
  lastCallEndedAt: null,
  ...over,
})

const group = (over: Partial<RoutingGroup> = {}): RoutingGroup => ({
  id: 'g-sales',
  extension: '500',
  strategy: 'parallel',
  memberIds: ['ann', 'bob', 'cat'],
  ringTimeoutSec: 20,
  rrCursor: null,
  ...over,
})

const snap = (employees: RoutingEmployee[], groups: RoutingGroup[] = [group()]): RoutingSnapshot => ({
  matrix: DEFAULT_STATUS_MATRIX,
  employees,
  groups,
  virtualNumbers: [{ number: '+7 (495) 123-45-67', groupId: 'g-sales' }],
  gatewayUri: 'sip:gw.example.net:5060;transport=udp',
  domain: 'acme.sip.test',
})

const team = (over: Record<string, Partial<RoutingEmployee>> = {}) => [
  emp('ann', '101', over.ann),
  emp('bob', '102', over.bob),
  emp('cat', '103', over.cat),
]

const client = (to: string) => ({ from: '+79161112233', fromIsEmployee: false, to })

/** Employee ids per target set, e.g. [['ann','bob']] — how the tests read a decision. */
function ringOrder(d: ReturnType<typeof routeCall>): string[][] {
  if (d.action !== 'relay') throw new Error(`expected relay, got ${d.code} ${d.reason}`)
  return d.sets.map((s) => s.targets.map((t) => `${t.employeeId}:${t.via}`))
}

describe('S1 statuses decide who rings', () => {
  it('S1 operator in Break is not offered a group call', () => {
    const d = routeCall(snap(team({ bob: { status: 'break' } })), client('500'))
    expect(ringOrder(d)).toEqual([['ann:softphone', 'cat:softphone']])
  })

  it('S1 Away forwards to mobile via gateway', () => {
    const s = snap(team({ ann: { status: 'away', mobile: '8 (916) 555-44-33' } }))
    const d = routeCall(s, client('101'))
    expect(d).toMatchObject({
      action: 'relay',
      dialled: { kind: 'employee', employeeId: 'ann' },
      sets: [
        { targets: [{ uri: 'sip:+79165554433@gw.example.net:5060', employeeId: 'ann', via: 'mobile' }] },
      ],
    })
  })

  it('S1 Available rings softphone and mobile together', () => {
    const d = routeCall(snap(team({ ann: { mobile: '+79165554433' } })), client('101'))
    expect(ringOrder(d)).toEqual([['ann:softphone', 'ann:mobile']])
    if (d.action === 'relay') expect(d.sets[0]?.targets[0]?.uri).toBe('sip:101@acme.sip.test')
  })

  it('S1 Away without a mobile number gets 480', () => {
    const d = routeCall(snap(team({ ann: { status: 'away' } })), client('101'))
    expect(d).toMatchObject({ action: 'reject', code: 480 })
  })

  it('S1 Away with the gateway down: nothing can ring, so the server rejects 480 itself (issue 6 §5)', () => {
    const s = { ...snap(team({ ann: { status: 'away', mobile: '+79165554433' } })), gatewayReachable: false }
    expect(routeCall(s, client('101'))).toMatchObject({
      action: 'reject',
      code: 480,
      reason: 'Mobile unreachable',
    })
    const out = routeCall(s, { from: '102', fromIsEmployee: true, to: '8(916)123-45-67' })
    expect(out).toMatchObject({ action: 'reject', code: 480, dialled: { kind: 'external' } })
  })

  it('S1 Do not disturb direct call gets 480 with the status as reason', () => {
    const d = routeCall(snap(team({ ann: { status: 'dnd', mobile: '+79165554433' } })), client('101'))
    expect(d).toMatchObject({ action: 'reject', code: 480, reason: 'Status forbids incoming calls' })
  })

  it('S1 softphone rings only when registered', () => {
    const d = routeCall(snap(team({ ann: { registered: false } })), client('500'))
    expect(ringOrder(d)).toEqual([['bob:softphone', 'cat:softphone']])
    expect(routeCall(snap(team({ ann: { registered: false } })), client('101'))).toMatchObject({
      code: 480,
      reason: 'Not registered',
    })
  })

  it('S1 outgoing column: Break cannot dial anything (403)', () => {
    const s = snap(team({ ann: { status: 'break' } }))
    for (const to of ['102', '500', '+74951234567', '89161234567', '999']) {
      expect(routeCall(s, { from: '101', fromIsEmployee: true, to })).toMatchObject({
        action: 'reject',
        code: 403,
      })
    }
  })

  it('S1 Do not disturb may still dial out', () => {
    const d = routeCall(snap(team({ ann: { status: 'dnd' } })), {
      from: '101',
      fromIsEmployee: true,
      to: '102',
    })
    expect(ringOrder(d)).toEqual([['bob:softphone']])
  })

  it('S2 the matrix is data: a tenant status that allows softphone calls is honoured', () => {
    const s = snap(team({ bob: { status: 'training' } }))
    s.matrix = [
      ...DEFAULT_STATUS_MATRIX,
      {
        ...DEFAULT_STATUS_MATRIX[0]!,
        id: 'training',
        allows: { ...DEFAULT_STATUS_MATRIX[0]!.allows, mobileIn: false },
      },
    ]
    expect(ringOrder(routeCall(s, client('500')))).toEqual([
      ['ann:softphone', 'bob:softphone', 'cat:softphone'],
    ])
  })

  it('S1 unknown status allows nothing', () => {
    const d = routeCall(snap(team({ ann: { status: 'ghost' } })), client('101'))
    expect(d).toMatchObject({ code: 480 })
  })
})

describe('C2 no call waiting', () => {
  it('C2 busy operator skipped by group', () => {
    const d = routeCall(snap(team({ ann: { inCall: true } })), client('500'))
    expect(ringOrder(d)).toEqual([['bob:softphone', 'cat:softphone']])
  })

  it('C2 direct call to busy operator gets 486', () => {
    const d = routeCall(snap(team({ bob: { inCall: true, mobile: '+79165554433' } })), client('102'))
    expect(d).toEqual({
      action: 'reject',
      dialled: { kind: 'employee', employeeId: 'bob' },
      code: 486,
      reason: 'Busy Here',
    })
  })

  it('S1 ringing for another call: skipped by a parallel group, the others still ring together', () => {
    const d = routeCall(snap(team({ bob: { ringing: true } })), client('500'))
    expect(ringOrder(d)).toEqual([['ann:softphone', 'cat:softphone']])
  })

  it('S1 ringing for another call: a sequential hunt plans around them', () => {
    const s = snap(team({ ann: { ringing: true } }), [group({ strategy: 'sequential' })])
    expect(ringOrder(routeCall(s, client('500')))).toEqual([['bob:softphone'], ['cat:softphone']])
  })

  it('S1 ringing for another call: a direct call gets 486 (no call waiting), mobile forwarding too', () => {
    const d = routeCall(snap(team({ bob: { ringing: true, mobile: '+79165554433' } })), client('102'))
    expect(d).toMatchObject({ action: 'reject', code: 486, reason: 'Busy Here' })
  })

  it('S1 the presence input carries ringing: the shared rule says "ringing", mayCall false', () => {
    const s = snap(team({ ann: { ringing: true } }))
    const [ann, bob] = s.employees
    if (!ann || !bob) throw new Error('team')
    expect(presenceOf(presenceInput(s, ann))).toMatchObject({
      state: 'ringing',
      mayCall: false,
      labelKey: 'presence.ringing',
    })
    expect(presenceOf(presenceInput(s, bob))).toMatchObject({ state: 'available', mayCall: true })
  })

  it('C7 a ringing colleague is shown but not selectable as a transfer target (busy)', () => {
    const list = transferTargets(snap(team({ bob: { ringing: true } })), 'ann')
    expect(list.find((t) => t.id === 'bob')).toMatchObject({ selectable: false, reason: 'busy' })
  })
})

describe('group strategies', () => {
  it('parallel: one set of all eligible with the ring timeout', () => {
    const d = routeCall(snap(team()), client('500'))
    expect(d).toMatchObject({ action: 'relay', sets: [{ timeoutSec: 20 }] })
    expect(ringOrder(d)).toEqual([['ann:softphone', 'bob:softphone', 'cat:softphone']])
  })

  it('sequential: one set per member in member order', () => {
    const s = snap(team(), [group({ strategy: 'sequential', memberIds: ['cat', 'ann', 'bob'] })])
    const d = routeCall(s, client('500'))
    expect(ringOrder(d)).toEqual([['cat:softphone'], ['ann:softphone'], ['bob:softphone']])
    if (d.action === 'relay') expect(d.sets.every((x) => x.timeoutSec === 20)).toBe(true)
  })

  it('round_robin: starts after the cursor, wraps, and returns the new cursor', () => {
    const s = snap(team(), [group({ strategy: 'round_robin', rrCursor: 'ann' })])
    const d = routeCall(s, client('500'))
    expect(ringOrder(d)).toEqual([['bob:softphone'], ['cat:softphone'], ['ann:softphone']])
    expect(d).toMatchObject({ rrCursor: 'bob' })
  })

  it('round_robin: three calls in a row start at three different members', () => {
    let g = group({ strategy: 'round_robin' })
    const firsts: string[] = []
    for (let i = 0; i < 3; i++) {
      const d = routeCall(snap(team(), [g]), client('500'))
      if (d.action !== 'relay') throw new Error('expected relay')
      firsts.push(d.sets[0]?.targets[0]?.employeeId ?? '')
      g = { ...g, rrCursor: d.rrCursor ?? null }
    }
    expect(firsts).toEqual(['ann', 'bob', 'cat'])
  })

  it('round_robin: a busy member after the cursor is skipped, cursor moves to who was offered', () => {
    const s = snap(team({ bob: { inCall: true } }), [group({ strategy: 'round_robin', rrCursor: 'ann' })])
    const d = routeCall(s, client('500'))
    expect(ringOrder(d)).toEqual([['cat:softphone'], ['ann:softphone']])
    expect(d).toMatchObject({ rrCursor: 'cat' })
  })

  it('round_robin: a cursor no longer in the group starts from the top', () => {
    const s = snap(team(), [group({ strategy: 'round_robin', rrCursor: 'left-the-company' })])
    expect(ringOrder(routeCall(s, client('500')))[0]).toEqual(['ann:softphone'])
  })

  it('longest_idle: never-called first, then oldest last call', () => {
    const s = snap(team({ ann: { lastCallEndedAt: 2000 }, bob: { lastCallEndedAt: 1000 } }), [
      group({ strategy: 'longest_idle' }),
    ])
    expect(ringOrder(routeCall(s, client('500')))).toEqual([
      ['cat:softphone'],
      ['bob:softphone'],
      ['ann:softphone'],
    ])
  })

  it('C9 group with nobody eligible gets 480 and names the group', () => {
    const s = snap(team({ ann: { status: 'off_work' }, bob: { inCall: true }, cat: { registered: false } }))
    expect(routeCall(s, client('500'))).toEqual({
      action: 'reject',
      dialled: { kind: 'group', groupId: 'g-sales', virtualNumber: null },
      code: 480,
      reason: 'No operator available',
    })
  })

  it('an employee calling their own group does not ring themselves', () => {
    const d = routeCall(snap(team()), { from: '101', fromIsEmployee: true, to: '500' })
    expect(ringOrder(d)).toEqual([['bob:softphone', 'cat:softphone']])
  })
})

describe('numbers', () => {
  it('virtual number in national form reaches its group and is recorded', () => {
    const d = routeCall(snap(team()), client('8 495 123 45 67'))
    expect(d).toMatchObject({
      action: 'relay',
      dialled: { kind: 'group', groupId: 'g-sales', virtualNumber: '+7 (495) 123-45-67' },
    })
  })

  it('employee dialling an external number goes to the gateway in E.164', () => {
    const d = routeCall(snap(team()), { from: '101', fromIsEmployee: true, to: '8(916)123-45-67' })
    expect(d).toEqual({
      action: 'relay',
      dialled: { kind: 'external', number: '+79161234567' },
      sets: [
        {
          targets: [
            {
              uri: 'sip:+79161234567@gw.example.net:5060',
              employeeId: null,
              via: 'external',
              number: '+79161234567',
            },
          ],
          timeoutSec: null,
        },
      ],
    })
  })

  it('a client cannot use the PBX to dial out (404, no toll fraud)', () => {
    expect(routeCall(snap(team()), client('89161234567'))).toMatchObject({ action: 'reject', code: 404 })
  })

  it('unknown extension gets 404', () => {
    expect(routeCall(snap(team()), { from: '101', fromIsEmployee: true, to: '199' })).toMatchObject({
      code: 404,
    })
    expect(routeCall(snap(team()), client('sales'))).toMatchObject({ code: 404 })
  })

  it('an unknown employee caller is refused (403)', () => {
    expect(routeCall(snap(team()), { from: '777', fromIsEmployee: true, to: '101' })).toMatchObject({
      code: 403,
    })
  })

  it('normalizeNumber: digits, leading +, Russian 8 and 7 prefixes', () => {
    expect(normalizeNumber('8 (916) 123-45-67')).toBe('+79161234567')
    expect(normalizeNumber('79161234567')).toBe('+79161234567')
    expect(normalizeNumber('9161234567')).toBe('+79161234567')
    expect(normalizeNumber('+1 (202) 555-0100')).toBe('+12025550100')
    expect(normalizeNumber('101')).toBe('101')
    expect(normalizeNumber('12ab')).toBeNull()
    expect(normalizeNumber('')).toBeNull()
  })
})

describe('C7 transfer targets', () => {
  it('C7 a colleague whose status forbids incoming calls is shown but not selectable', () => {
    const list = transferTargets(snap(team({ bob: { status: 'break' }, cat: { inCall: true } })), 'ann')
    expect(list.filter((t) => t.kind === 'employee')).toEqual([
      { kind: 'employee', id: 'bob', extension: '102', selectable: false, reason: 'status' },
      { kind: 'employee', id: 'cat', extension: '103', selectable: false, reason: 'busy' },
    ])
  })

  it('C7 a group with no available member is not selectable; counts exclude the transferor', () => {
    const s = snap(team({ bob: { status: 'break' }, cat: { inCall: true } }))
    expect(transferTargets(s, 'ann').find((t) => t.kind === 'group')).toEqual({
      kind: 'group',
      id: 'g-sales',
      extension: '500',
      selectable: false,
      reason: 'no_available_member',
      available: 0,
      total: 3,
    })
    expect(transferTargets(s, 'bob').find((t) => t.kind === 'group')).toMatchObject({
      selectable: true,
      available: 1,
    })
  })

  it('C7 Away colleague with a mobile is selectable (forwarded to the mobile)', () => {
    const list = transferTargets(snap(team({ bob: { status: 'away', mobile: '+79165554433' } })), 'ann')
    expect(list.find((t) => t.id === 'bob')).toMatchObject({ selectable: true, reason: null })
  })
})

describe('N1 §3 calls reach a closed app (wake targets)', () => {
  const wakeOf = (d: ReturnType<typeof routeCall>) =>
    d.action === 'relay'
      ? d.sets.map((s) => s.targets.map((t) => `${t.employeeId}:${t.wake ? 'wake' : 'live'}`))
      : d

  it('N1 a direct call to an operator with no line but a push subscription wakes their app', () => {
    const d = routeCall(snap(team({ bob: { registered: false, wakeable: true } })), {
      from: '101',
      fromIsEmployee: true,
      to: '102',
    })
    expect(wakeOf(d)).toEqual([['bob:wake']])
  })

  it('N1 without a push subscription the closed app is not rung (480 Not registered)', () => {
    const d = routeCall(snap(team({ bob: { registered: false } })), {
      from: '101',
      fromIsEmployee: true,
      to: '102',
    })
    expect(d).toMatchObject({ action: 'reject', code: 480, reason: 'Not registered' })
  })

  it('N1 Off work (no incoming calls) is never woken', () => {
    const d = routeCall(snap(team({ bob: { registered: false, wakeable: true, status: 'off_work' } })), {
      from: '101',
      fromIsEmployee: true,
      to: '102',
    })
    expect(d).toMatchObject({ action: 'reject', code: 480, reason: 'Status forbids incoming calls' })
  })

  it('N1 a parallel group rings live members and wakes the closed one in the same set', () => {
    const d = routeCall(snap(team({ bob: { registered: false, wakeable: true } })), client('500'))
    expect(wakeOf(d)).toEqual([['ann:live', 'bob:wake', 'cat:live']])
  })

  it('N1 a sequential hunt keeps the closed member in their turn', () => {
    const d = routeCall(
      snap(team({ ann: { registered: false, wakeable: true } }), [group({ strategy: 'sequential' })]),
      client('500'),
    )
    expect(wakeOf(d)).toEqual([['ann:wake'], ['bob:live'], ['cat:live']])
  })

  it('N1 a member ringing for another call or busy is not woken (C2)', () => {
    const d = routeCall(
      snap(team({ ann: { registered: false, wakeable: true, ringing: true }, bob: { inCall: true } })),
      client('500'),
    )
    expect(wakeOf(d)).toEqual([['cat:live']])
  })
})

describe('issue 13 §2: a virtual number rings one employee', () => {
  const withVn = (employees: RoutingEmployee[]): RoutingSnapshot => ({
    ...snap(employees),
    virtualNumbers: [{ number: '+74951234500', employeeId: 'bob' }],
  })
  it('rings that employee, and the record keeps the number dialled', () => {
    const d = routeCall(withVn(team()), client('8 495 123-45-00'))
    expect(ringOrder(d)).toEqual([['bob:softphone']])
    expect(d.dialled).toEqual({ kind: 'employee', employeeId: 'bob', virtualNumber: '+74951234500' })
  })
  it('busy or in a status without calls: 486 / 480 like a direct call (C2, S1)', () => {
    expect(routeCall(withVn(team({ bob: { inCall: true } })), client('+74951234500'))).toMatchObject({
      action: 'reject',
      code: 486,
    })
    expect(routeCall(withVn(team({ bob: { status: 'break' } })), client('+74951234500'))).toMatchObject({
      action: 'reject',
      code: 480,
    })
  })
})

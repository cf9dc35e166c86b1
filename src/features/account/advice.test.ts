import { describe, expect, it } from 'vitest'
import { adviseOnce } from './advice.ts'

describe('device section advice', () => {
  it('says "allow notifications" once, on the first row that needs it', () => {
    const rows = adviseOnce([
      { id: 'notifications', todo: 'device.push.permission.todo' as const },
      { id: 'push', todo: 'device.push.permission.todo' as const },
      { id: 'sync', todo: 'device.sync.todo' as const },
      { id: 'calls', todo: 'device.calls.allow.todo' as const },
    ])
    expect(rows.map((r) => r.todo)).toEqual([
      'device.push.permission.todo',
      undefined,
      'device.sync.todo',
      undefined,
    ])
  })
  it('keeps different advice and rows without advice', () => {
    const rows = adviseOnce([{ id: 'a' }, { id: 'b', todo: 'device.badge.todo' as const }])
    expect(rows).toEqual([{ id: 'a' }, { id: 'b', todo: 'device.badge.todo' }])
  })
})

/** The reconciliation decision (issue 6 §5): which open call records Kamailio has lost. */
import { describe, expect, it } from 'vitest'
import { lostRecords } from './reconcile.ts'

const now = new Date('2026-11-29T10:00:00Z')
const rec = (sipCallId: string, agoMs: number) => ({
  tenantId: 't',
  sipCallId,
  startedAt: new Date(now.getTime() - agoMs),
})

describe('lostRecords', () => {
  it('names an open record with no live dialog once it is older than the grace period', () => {
    const open = [rec('gone', 60_000), rec('live', 60_000), rec('just-routed', 2_000)]
    expect(lostRecords(open, new Set(['live']), now, 15_000).map((r) => r.sipCallId)).toEqual(['gone'])
  })

  it('a call just being set up (its dialog not created yet) is left alone, however empty the table', () => {
    expect(lostRecords([rec('new', 14_999)], new Set(), now, 15_000)).toEqual([])
    expect(lostRecords([rec('new', 15_001)], new Set(), now, 15_000)).toHaveLength(1)
  })

  it('a live dialog protects its record whatever its age', () => {
    expect(lostRecords([rec('long-call', 3 * 3600_000)], new Set(['long-call']), now, 0)).toEqual([])
  })
})

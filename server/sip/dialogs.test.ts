/** Reading Kamailio's `dlg.list` (issue 6 §5): the Call-IDs the reconciliation keeps alive. */
import { describe, expect, it } from 'vitest'
import { liveCallIds } from './dialogs.ts'

describe('liveCallIds (dlg.list)', () => {
  it('takes the Call-IDs of dialogs not yet deleted', () => {
    const list = [
      { 'call-id': 'a', state: 1 },
      { 'call-id': 'b', state: 4 },
      { 'call-id': 'c', state: 5 },
    ]
    expect(liveCallIds(list)).toEqual(new Set(['a', 'b']))
  })

  it('an empty table (no result) is no dialogs; anything else malformed is "unknown" (null), never empty', () => {
    expect(liveCallIds(undefined)).toEqual(new Set())
    expect(liveCallIds([])).toEqual(new Set())
    expect(liveCallIds({ error: 'x' })).toBeNull()
    expect(liveCallIds([{ state: 4 }])).toBeNull()
    expect(liveCallIds(['a'])).toBeNull()
  })
})

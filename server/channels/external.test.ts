import { describe, expect, it } from 'vitest'
import { PermanentFailure } from '../jobs/index.ts'
import { failReasonOf } from './external.ts'

describe('failReasonOf (why a delivery failed, shown under the message\'s "!")', () => {
  it('a channel that cannot send is "setup"; a provider\'s refusal "rejected"; retries run out "unreachable"', () => {
    expect(failReasonOf(new PermanentFailure('no SMTP relay configured for the e-mail channel'))).toBe(
      'setup',
    )
    expect(failReasonOf(new PermanentFailure('channel disconnected'))).toBe('setup')
    expect(failReasonOf(new PermanentFailure('550 5.1.1 no such user'))).toBe('rejected')
    expect(failReasonOf(new Error('connect ECONNREFUSED'))).toBe('unreachable')
  })
})

import { describe, expect, it } from 'vitest'
import { ApiError } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { writeFirstErrorText } from './writefirst.ts'

describe('writeFirstErrorText (T10: a bad address says what the field wants)', () => {
  it('maps the server refusing the address to "Not a phone number, e-mail or @username"', () => {
    const e = new ApiError('E_VALIDATION', 422, 'Some fields are invalid.', ['address: not a phone number'])
    expect(writeFirstErrorText(e)).toBe('Not a phone number, e-mail or @username')
  })
  it('leaves other refusals as they are', () => {
    const e = new ApiError('E_OMNI_OFF', 403, 'Omnichannel is off')
    expect(writeFirstErrorText(e)).not.toBe(t('wf.badAddress'))
  })
})

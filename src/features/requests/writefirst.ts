/** T10 write first: what the sheet says when Find or Send is refused. */
import { ApiError, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'

/**
 * The server refuses an address it cannot read (`normaliseAddress`: E_VALIDATION with a detail
 * "address: …"); the operator is told what the field wants, not "Some fields are invalid.".
 */
export function writeFirstErrorText(e: unknown): string {
  if (e instanceof ApiError && e.code === 'E_VALIDATION' && e.details.some((d) => d.startsWith('address')))
    return t('wf.badAddress')
  return errorText(e)
}

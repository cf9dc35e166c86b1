/** The API door: typed client plus the message an operator sees for an error. */
import { t, tError } from '../i18n/index.ts'
import { ApiError } from './client.ts'

export { ApiError, type ApiOpts, api, apiUrl, configureApi } from './client.ts'

/** The localized message for any thrown value (coded API errors use the contract catalogue). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.code === 'E_NETWORK' ? t('login.network') : tError(e.code)
  return tError('E_INTERNAL')
}

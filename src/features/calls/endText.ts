/** The words for how a call ended (C8 failure reason), from the phone's EndCause. */
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { statusName } from '../status/index.ts'
import type { CallState } from './phone.ts'

/** Localized outcome of an ended call; the server's S1 refusals get their own clear message. */
export function endText(end: CallState['end']): string {
  if (!end) return t('end.local_hangup')
  if (end.code === 403 && /status/i.test(end.reason))
    return t('calls.statusForbids', { status: statusName(me()?.status ?? '') })
  if (end.kind === 'forbidden') return t('end.forbidden', { reason: end.reason || String(end.code) })
  if (end.code === 480 && /status/i.test(end.reason)) return t('end.statusForbidsIn')
  return t(`end.${end.kind}`)
}

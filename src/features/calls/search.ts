/**
 * C8 history search as the operator types it: a whole number is looked up by its national digits
 * ("8 916 400 00 00" finds "+7 916 400-00-00"). Kept out of ./data.ts, which the feature's door
 * loads with the shell: libphonenumber-js comes with the Calls screen, never with the login page.
 */
import type { CallView } from '../../../contract/calls.ts'
import { t } from '../../lib/i18n/index.ts'
import type { FrontlineDb } from '../../lib/store/index.ts'
import { type HistoryScope, isGuest, localCalls } from './data.ts'
import { formatPhone, searchQuery } from './phoneFormat.ts'

/** Rows of a section matching what the operator typed, newest first. */
export function searchCalls(
  db: FrontlineDb,
  scope: HistoryScope,
  meId: string | null,
  typed: string,
  limit?: number,
): Promise<CallView[]> {
  return localCalls(db, scope, meId, searchQuery(typed), limit)
}

/** Was this number typed by a demo-site visitor (issue 6 §4: not verified)? A row shows it as a tag. */
export function isGivenNumber(c: CallView, number: string): boolean {
  return c.peerGiven && number === c.peerNumber && !isGuest(number)
}

/** The number alone, formatted (a row's title; the "given by visitor" hint goes on a line below). */
export function shownNumber(number: string): string {
  return isGuest(number) ? t('calls.siteVisitor') : formatPhone(number)
}

/** The number as the app shows it: one a demo-site visitor typed says so (issue 6 §4: not verified). */
export function givenNumber(c: CallView, number: string): string {
  // A site caller who gave no number is a "Website visitor", never his SIP user name.
  if (isGuest(number)) return t('calls.siteVisitor')
  // C8: every number shown one way (libphonenumber-js); an extension stays as it is.
  const shown = formatPhone(number)
  return c.peerGiven && number === c.peerNumber ? t('calls.givenByVisitor', { number: shown }) : shown
}

/**
 * SPEC K3: a tenant whose clients come from its CRM has a read-only book (server: E_CONTACTS_READ_ONLY,
 * migration 0151). The app says so where the book is shown and where an edit would be offered.
 */

import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import './addcontact.css'

/** Whether the signed-in tenant's book is the CRM's (GET /api/me). Reactive. */
export const bookReadOnly = (): boolean => me()?.contactsReadOnly === true

/** "Contacts come from your CRM — edit them there". */
export function ReadOnlyNote(props: { id?: string }) {
  return (
    <p class="muted small crm-book-note" role="note" id={props.id}>
      {t('contacts.crmReadOnly')}
    </p>
  )
}

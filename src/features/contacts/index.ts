/** Contacts feature door (SPEC K1, K2). Screens are lazy routes; data sync is used by the shell. */
import { registerEvents } from '../../lib/sync/index.ts'
import { contactEvents } from './events.ts'

export { clientMatches, refreshContacts, refreshPresenceSoon, stale } from './data.ts'

import { lazy } from 'solid-js'

// Screens load lazily (they bring the virtualizer with them).
export const ContactsPage = lazy(() => import('./ContactsPage.tsx'))
export const EmployeesList = lazy(() => import('./Employees.tsx'))
export const GroupsList = lazy(() => import('./Groups.tsx'))
export const ClientsList = lazy(() => import('./Clients.tsx'))
export const ClientCard = lazy(() => import('./ClientCard.tsx'))

// Server events: this feature's handlers join the one dispatcher of lib/sync (see ./events.ts).
registerEvents(contactEvents)

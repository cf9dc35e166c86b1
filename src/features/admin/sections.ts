/**
 * The admin area's sections as data (issue 13): one entry per section, in the order the admin sees
 * them. A section's screen is its `page` (lazy); a section not built yet points at `Pending`, which
 * says so honestly. To add a screen, change its entry's `page` — nothing else needs to know.
 */
import { type Component, lazy } from 'solid-js'
import type { MessageKey } from '../../lib/i18n/index.ts'
import type { IconName } from '../../lib/ui/index.ts'

export interface AdminSection {
  /** The path segment: /admin/<id>. */
  id: string
  label: MessageKey
  /** One line under the label in the section list. */
  hint: MessageKey
  icon: IconName
  page: Component
}

/** A setup screen (issue 13 §2), lazy like the rest. */
const setup = (load: () => Promise<Component>) => lazy(async () => ({ default: await load() }))

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: 'employees',
    label: 'admin.employees',
    hint: 'admin.employeesHint',
    icon: 'user',
    page: lazy(() => import('./EmployeesPage.tsx')),
  },
  {
    id: 'groups',
    label: 'admin.groups',
    hint: 'admin.groupsHint',
    icon: 'people',
    page: setup(() => import('./setup/index.ts').then((m) => m.GroupsSection)),
  },
  {
    id: 'numbers',
    label: 'admin.numbers',
    hint: 'admin.numbersHint',
    icon: 'phone',
    page: setup(() => import('./setup/index.ts').then((m) => m.NumbersSection)),
  },
  {
    id: 'statuses',
    label: 'admin.statuses',
    hint: 'admin.statusesHint',
    icon: 'people',
    page: setup(() => import('./setup/index.ts').then((m) => m.StatusesSection)),
  },
  {
    id: 'settings',
    label: 'admin.settings',
    hint: 'admin.settingsHint',
    icon: 'chat',
    page: setup(() => import('./setup/index.ts').then((m) => m.SettingsSection)),
  },
  {
    id: 'channels',
    label: 'admin.channels',
    hint: 'admin.channelsHint',
    icon: 'chat',
    page: setup(() => import('./channels/index.ts').then((m) => m.ChannelsSection)),
  },
  {
    id: 'import',
    label: 'admin.import',
    hint: 'admin.importHint',
    icon: 'user',
    page: setup(() => import('./contact-import/ImportSection.tsx').then((m) => m.ImportSection)),
  },
  {
    id: 'audit',
    label: 'admin.audit',
    hint: 'admin.auditHint',
    icon: 'globe',
    page: lazy(() => import('./AuditPage.tsx')),
  },
]

/** The section with this id, or undefined. */
export function sectionById(id: string): AdminSection | undefined {
  return ADMIN_SECTIONS.find((s) => s.id === id)
}

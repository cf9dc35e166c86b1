/** The admin's setup screens (issue 13 §2): groups, virtual numbers, statuses, settings. */
export { GroupsSection } from './GroupsSection.tsx'
export { NumbersSection } from './NumbersSection.tsx'
export { SettingsSection } from './SettingsSection.tsx'
export { StatusesSection } from './StatusesSection.tsx'

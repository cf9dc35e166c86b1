/**
 * Admin changes recorded in the audit log with their before and after (issue 13 §2): the wrapper
 * that runs a change and its audit row in one transaction, and the snapshots of the settings that
 * have no domain folder of their own to record them (channels, templates, CRM, chat and call settings).
 */
export { type AuditedChange, audited, entityChanges } from './audited.ts'
export {
  callSettingsSnapshot,
  channelSnapshot,
  chatSettingsSnapshot,
  crmContactsSnapshot,
  crmWebhookSnapshot,
  templateSnapshot,
  webchatSnapshot,
} from './snapshots.ts'

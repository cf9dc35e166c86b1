/**
 * The admin's setup (issue 13 §2): groups, virtual numbers, CRM card templates, and the one number
 * space of extensions. The status matrix lives in domain/status; omnichannel in domain/channels.
 */
export { audit, type SetupAudit } from './audit.ts'
export { crmCardTemplates, setCrmCardTemplates } from './crm-cards.ts'
export { assertExtensionFree, lockNumberSpace } from './extensions.ts'
export { addGroup, editGroup, listGroups, removeGroup } from './groups.ts'
export { addNumber, e164, editNumber, listNumbers, removeNumber } from './numbers.ts'

/** The audit log of admin changes (issue 13): write inside the change's transaction, read by admins. */
export { type AuditChange, listAudit, recordAudit } from './audit.ts'

/**
 * Every change of this folder (and the matrix and omnichannel edits) is recorded in the audit log
 * (issue 13 §2) in the transaction of the change, with the entity before and after.
 */
import type { AuditEntity } from '../../../contract/admin.ts'
import type { Queryable } from '../../db/index.ts'
import { recordAudit } from '../audit/index.ts'

export interface SetupAudit {
  actorId: string
  action: string
  entity: AuditEntity
  /** null: a tenant-wide setting (the matrix, the features): the tenant's id is recorded. */
  entityId: string | null
  before: unknown
  after: unknown
}

/** A snapshot as the log keeps it: an object (a list is kept under `value`). */
function snapshot(x: unknown): Record<string, unknown> | null {
  if (x === null || x === undefined) return null
  return typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : { value: x }
}

/** Records one admin change inside its transaction. */
export async function audit(tx: Queryable, tenantId: string, e: SetupAudit): Promise<void> {
  await recordAudit(tx, tenantId, {
    actorId: e.actorId,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId ?? tenantId,
    before: snapshot(e.before),
    after: snapshot(e.after),
  })
}

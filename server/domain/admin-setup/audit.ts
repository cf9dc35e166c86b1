/**
 * Every change of this folder is recorded in the audit log (issue 13 §2) in the transaction of the
 * change, with the entity before and after. The log itself is server/domain/audit (people's work).
 */
import type { Queryable } from '../../db/index.ts'

export interface SetupAudit {
  actorId: string
  action: string
  entity: string
  entityId: string | null
  before: unknown
  after: unknown
}

/** Records one admin change (no-op until the audit module is merged). */
export async function audit(_tx: Queryable, _tenantId: string, _entry: SetupAudit): Promise<void> {}

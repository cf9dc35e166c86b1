/**
 * An admin change and its audit row in one transaction (issue 13 §2 "every admin change as actor,
 * action, entity, before and after"). The entity is read before and after the change by the same
 * snapshot (secrets masked there, never a password), so the row shows exactly what changed. A change
 * that throws (a 4xx) rolls back with its row; a change that changes nothing (a PUT of the same value)
 * writes no row.
 */
import type { AuditEntity } from '../../../contract/admin.ts'
import type { Queryable } from '../../db/index.ts'
import { audit } from '../admin-setup/index.ts'

export interface AuditedChange<R> {
  actorId: string
  /** `<entity>.<verb>`, e.g. `channel.connect`. */
  action: string
  entity: AuditEntity
  /** The entity's id as the request names it; null: the tenant's own settings (its id is recorded). */
  entityId: string | null
  /** The id known only from the result (a new entity; `webchat` resolved to its channel). */
  idOf?: (r: R) => string
  /** The entity did not exist before (a creation, an import): no before snapshot. */
  created?: boolean
  /** The entity as the log keeps it; null when it does not exist. */
  snapshot?: (tx: Queryable, id: string | null) => Promise<unknown>
  /** The after snapshot made from the result instead (an import's counts, credentials issued). */
  after?: (r: R) => unknown
  change: (tx: Queryable) => Promise<R>
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** Runs `change` and records it, both in one transaction; answers the change's result. */
export function audited<R>(q: Queryable, tenantId: string, c: AuditedChange<R>): Promise<R> {
  return q.transaction(async (tx) => {
    const before = c.created || !c.snapshot ? null : await c.snapshot(tx, c.entityId)
    const r = await c.change(tx)
    const id = c.idOf ? c.idOf(r) : c.entityId
    const after = c.after ? c.after(r) : c.snapshot ? await c.snapshot(tx, id) : null
    if (same(before, after)) return r
    await audit(tx, tenantId, {
      actorId: c.actorId,
      action: c.action,
      entity: c.entity,
      entityId: id,
      before,
      after,
    })
    return r
  })
}

/**
 * The change function of one kind of entity (a channel, a shared template): `id` null creates it
 * (no before snapshot; its id comes from the result through `idOf`), else it is read before and after.
 */
export function entityChanges(
  q: () => Queryable,
  entity: AuditEntity,
  snapshot: (tx: Queryable, tenantId: string, id: string | null) => Promise<unknown>,
) {
  return <R>(
    p: { tenantId: string; employeeId: string },
    action: string,
    id: string | null,
    change: (tx: Queryable) => Promise<R>,
    idOf?: (r: R) => string,
  ): Promise<R> =>
    audited(q(), p.tenantId, {
      actorId: p.employeeId,
      action,
      entity,
      entityId: id,
      created: id === null,
      snapshot: (tx, x) => snapshot(tx, p.tenantId, x),
      change,
      ...(idOf ? { idOf } : {}),
    })
}

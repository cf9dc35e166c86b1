/** GET /api/calls/transfer-targets (C5, C7): routing.transferTargets with names and statuses. */
import { eq } from 'drizzle-orm'
import type { TransferTargetView } from '../../../contract/calls.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { transferTargets } from '../routing/index.ts'
import { loadSnapshot, TENANT_COLUMNS } from './snapshot.ts'

const { tenants } = schema

/** Every colleague and group; `selectable: false` with the reason when they cannot take a call now. */
export async function transferTargetsFor(
  q: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<TransferTargetView[]> {
  const [t] = await q.select(TENANT_COLUMNS).from(tenants).where(eq(tenants.id, tenantId))
  if (!t) throw new AppError('E_NOT_FOUND')
  const l = await loadSnapshot(q, t)
  const status = new Map(l.snapshot.employees.map((e) => [e.id, e.status]))
  return transferTargets(l.snapshot, employeeId).map((x) =>
    x.kind === 'employee'
      ? { ...x, name: l.names.get(x.id) ?? x.extension, status: status.get(x.id) ?? '' }
      : { ...x, name: l.groupNames.get(x.id) ?? x.extension },
  )
}

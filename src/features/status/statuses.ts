/** SPEC S1/S2: the tenant's status list (data from the server) and the operator's own status. */
import { createSignal } from 'solid-js'
import type { StatusDef, StatusMatrix } from '../../../contract/status.ts'
import { api } from '../../lib/api/index.ts'
import { lang } from '../../lib/i18n/index.ts'
import { patchMe } from '../../lib/session/index.ts'
import { type FrontlineDb, getMeta, setMeta } from '../../lib/store/index.ts'
import { startRead } from '../../lib/sync/index.ts'

const [matrix, setMatrixSignal] = createSignal<StatusMatrix>([])
/** S3: who forced my current status (a supervisor's name) and to what; null when I chose it myself. */
const [forcedBy, setForcedBy] = createSignal<{ by: string; status: string } | null>(null)

/** The tenant's statuses (reactive; from Dexie first, then the server). */
export { forcedBy, matrix, setForcedBy }

let currentDb: FrontlineDb | null = null

/** Show a matrix already saved in Dexie (the `statuses.updated` event wrote it in its transaction). */
export function showMatrix(m: StatusMatrix): void {
  setMatrixSignal(m)
}

/** Replace the matrix (server answer) and save it. */
export function setMatrix(m: StatusMatrix): void {
  setMatrixSignal(m)
  if (currentDb) void setMeta(currentDb, 'statuses', m)
}

/** Load the saved matrix, then refresh it from GET /api/statuses. */
export async function loadStatuses(db: FrontlineDb): Promise<void> {
  currentDb = db
  const saved = await getMeta<StatusMatrix>(db, 'statuses')
  if (saved && currentDb === db) setMatrixSignal(saved)
  try {
    // One read per start, whoever asks (lib/sync start-reads).
    const r = await startRead('statuses', () => api('GET /api/statuses'))
    if (currentDb === db) setMatrix(r.matrix)
  } catch {
    // Offline: the saved list stays.
  }
}

/** The definition of a status id, if the tenant has it. */
export function statusDef(id: string): StatusDef | undefined {
  return matrix().find((s) => s.id === id)
}

/** The status name in the current language (falls back to the id for an unknown status). */
export function statusName(id: string): string {
  return statusDef(id)?.name[lang()] ?? id
}

/** The status colour, grey when unknown. */
export function statusColor(id: string): string {
  return statusDef(id)?.color ?? '#8a8f98'
}

/** PUT /api/me/status; the profile updates when the server agrees. Throws ApiError. */
export async function setMyStatus(id: string): Promise<void> {
  const r = await api('PUT /api/me/status', { body: { status: id } })
  setForcedBy(null)
  await patchMe({ status: r.status, statusSetBy: null })
}

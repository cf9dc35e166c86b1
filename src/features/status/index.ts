/** Status feature door (SPEC S1). */

export { StatusButton } from './StatusButton.tsx'
export {
  loadStatuses,
  matrix,
  setMatrix,
  setMyStatus,
  statusColor,
  statusDef,
  statusName,
} from './statuses.ts'

/** Status feature door (SPEC S1). */
import { registerEvents } from '../../lib/sync/index.ts'
import { statusEvents } from './events.ts'

export { ForcedStatusNote } from './ForcedNote.tsx'
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

// Server events: this feature's handlers join the one dispatcher of lib/sync (see ./events.ts).
registerEvents(statusEvents)

/** Calls (SPEC C1–C10) arrive with the softphone update; until then the screen says so honestly. */
import { EmptyState } from '../../app/EmptyState.tsx'

/** Calls tab placeholder without fake data. */
export default function CallsPage() {
  return <EmptyState title="calls.title" headline="calls.empty" hint="calls.emptyHint" icon="phone" />
}

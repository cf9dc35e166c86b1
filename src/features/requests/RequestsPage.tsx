/** Requests (SPEC T1–T13) arrive with their update; until then the screen says so honestly. */
import { EmptyState } from '../../lib/ui/index.ts'

/** Requests tab placeholder without fake data. */
export default function RequestsPage() {
  return <EmptyState title="requests.title" headline="requests.empty" hint="requests.emptyHint" icon="chat" />
}

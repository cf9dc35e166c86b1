/** Clients on site (SPEC I2) arrive with the Insider update; until then the screen says so honestly. */
import { EmptyState } from '../../lib/ui/index.ts'

/** On-site tab placeholder without fake data. */
export default function OnsitePage() {
  return <EmptyState title="onsite.title" headline="onsite.empty" hint="onsite.emptyHint" icon="globe" />
}

/**
 * Until the event spine lands (issue 7 §1, `spine` helper), outbound delivery subscribes to committed
 * events here: the same NOTIFY the realtime hub listens to, read back by seq, handed on one at a time
 * in arrival (= commit) order. Replace with the spine's listener registration when it is merged.
 */
import type { ServerEvent } from '../../contract/events.ts'
import { type Db, EVENTS_CHANNEL, eventBySeq } from '../db/index.ts'

export type CommittedListener = (tenantId: string, event: ServerEvent) => Promise<void> | void

/** Calls `listener` for every event committed from now on; returns the unsubscribe. */
export async function onCommitted(
  db: Db,
  listener: CommittedListener,
  onError: (e: unknown) => void,
): Promise<() => Promise<void>> {
  let chain: Promise<void> = Promise.resolve()
  return db.listen(EVENTS_CHANNEL, (payload) => {
    const seq = Number(payload)
    if (!Number.isSafeInteger(seq)) return
    chain = chain
      .then(async () => {
        const found = await eventBySeq(db.orm, seq)
        if (found) await listener(found.tenantId, found.event)
      })
      .catch(onError)
  })
}

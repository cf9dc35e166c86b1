/**
 * Probe 13 #13: a deactivated operator's chats go back to the queue. In the deactivation's
 * transaction his open transfer offers end (transfer.ts `withdrawDeactivated`) and each chat he holds
 * moves active → new (`release`, state.ts) with no assignee: `chat.updated` to its viewers before (him,
 * staff) and after (its distribution), so the New lists follow at once and the client's next message
 * is a New chat's message (a push to the distribution, as for any chat waiting in New).
 */
import { and, eq, inArray } from 'drizzle-orm'
import { cancelJob, type Queryable, schema } from '../../db/index.ts'
import { AUTO_COMPLETE_JOB } from './idle.ts'
import { lockChat, publish } from './rows.ts'
import { nextState, statesAllowing } from './state.ts'
import { withdrawDeactivated } from './transfer.ts'

const { chats } = schema

/** Returns the employee's open chats to New (inside the caller's transaction); their ids. */
export async function releaseChatsOf(tx: Queryable, tenantId: string, employeeId: string): Promise<string[]> {
  await withdrawDeactivated(tx, tenantId, employeeId)
  const from = statesAllowing('release')
  const held = await tx
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), eq(chats.assigneeId, employeeId), inArray(chats.state, from)))
    .orderBy(chats.id)
  const released: string[] = []
  for (const { id } of held) {
    const before = await lockChat(tx, tenantId, id)
    const state = before ? nextState(before.state, 'release') : null
    if (!before || !state || before.assigneeId !== employeeId) continue
    const [after] = await tx
      .update(chats)
      .set({ state, assigneeId: null, acceptedAt: null, transfer: null, operatorReadN: 0 })
      .where(and(eq(chats.tenantId, tenantId), eq(chats.id, id)))
      .returning()
    if (!after) continue
    // Its idle timer was his: the next operator's accept arms a new one.
    await cancelJob(tx, AUTO_COMPLETE_JOB, id)
    await publish(tx, before, after)
    released.push(id)
  }
  return released
}

/**
 * What switching the omnichannel option off would do right now (probe 13 UI #8): how many active
 * employees lose the Requests tab and how many chats are open (new or in work) — the admin screen
 * asks with these numbers before it switches.
 */
import { and, count, eq, inArray, isNull } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'

const { chats, employees } = schema

export async function omniImpact(
  q: Queryable,
  tenantId: string,
): Promise<{ employees: number; openChats: number }> {
  const [people] = await q
    .select({ n: count() })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), isNull(employees.deactivatedAt)))
  const [open] = await q
    .select({ n: count() })
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), inArray(chats.state, ['new', 'active'])))
  return { employees: Number(people?.n ?? 0), openChats: Number(open?.n ?? 0) }
}

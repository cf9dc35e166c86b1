/**
 * Admin settings of the inbox: the per-employee Accept button (T3) and the website chat channel's
 * connection and distribution (its chat groups, `channels.config.groupIds`).
 */
import { and, eq, inArray } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { channelSettings } from './rows.ts'
import type { Viewer } from './views.ts'

const { channels, employees, groups } = schema

function assertAdmin(v: Viewer): void {
  if (v.role !== 'admin') throw new AppError('E_FORBIDDEN')
}

/** Turns an employee's Accept button on or off (off: opening a New chat takes it). Admin only. */
export async function setAcceptButton(
  q: Queryable,
  v: Viewer,
  employeeId: string,
  acceptButton: boolean,
): Promise<{ id: string; acceptButton: boolean }> {
  assertAdmin(v)
  const [row] = await q
    .update(employees)
    .set({ acceptButton })
    .where(and(eq(employees.tenantId, v.tenantId), eq(employees.id, employeeId)))
    .returning({ id: employees.id, acceptButton: employees.acceptButton })
  if (!row) throw new AppError('E_NOT_FOUND')
  return row
}

export interface WebchatSettings {
  connected: boolean
  groupIds: string[]
}

/** Connects (or not) the tenant's website chat and sets its distribution. Admin only. */
export async function setWebchat(q: Queryable, v: Viewer, input: WebchatSettings): Promise<WebchatSettings> {
  assertAdmin(v)
  return q.transaction(async (tx) => {
    const ids = [...new Set(input.groupIds)]
    const found = ids.length
      ? await tx
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.tenantId, v.tenantId), inArray(groups.id, ids)))
      : []
    if (found.length !== ids.length) throw new AppError('E_VALIDATION', ['groupIds: unknown id'])
    const current = await channelSettings(tx, v.tenantId, 'webchat')
    if (current) {
      const [row] = await tx.select().from(channels).where(eq(channels.id, current.id)).for('update')
      await tx
        .update(channels)
        .set({ connected: input.connected, config: { ...(row?.config ?? {}), groupIds: ids } })
        .where(and(eq(channels.tenantId, v.tenantId), eq(channels.id, current.id)))
    } else {
      await tx.insert(channels).values({
        tenantId: v.tenantId,
        kind: 'webchat',
        name: 'Website chat',
        connected: input.connected,
        config: { groupIds: ids },
      })
    }
    return { connected: input.connected, groupIds: ids }
  })
}

/** The website chat's settings (not connected, no groups, when the tenant has none). */
export async function webchatSettings(q: Queryable, tenantId: string): Promise<WebchatSettings> {
  const s = await channelSettings(q, tenantId, 'webchat')
  return { connected: s?.connected ?? false, groupIds: s?.groupIds ?? [] }
}

/**
 * The chat lifecycle's tenant settings (T7 transfer timeout, T8 closing text, T8 idle minutes per
 * channel) and who may be chosen as a transfer's target now (T7: the one presence rule of
 * contract/presence.ts — status allows chats and the app's line is live).
 */
import { and, eq } from 'drizzle-orm'
import type { ChatSettings, ChatTransferTarget } from '../../../contract/chats.ts'
import { presenceOf } from '../../../contract/presence.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { loadRouting } from '../calls/index.ts'
import { presenceInput, type RoutingSnapshot, rotateAfter } from '../routing/index.ts'
import { channelSettings } from './rows.ts'
import type { Viewer } from './views.ts'

const { channels, chatSettings } = schema

export const DEFAULT_CHAT_SETTINGS: ChatSettings = { transferTimeoutSec: 30, closingText: '' }

/** The tenant's lifecycle settings (defaults when never set). */
export async function chatSettingsOf(q: Queryable, tenantId: string): Promise<ChatSettings> {
  const [row] = await q.select().from(chatSettings).where(eq(chatSettings.tenantId, tenantId))
  return row
    ? { transferTimeoutSec: row.transferTimeoutSec, closingText: row.closingText }
    : { ...DEFAULT_CHAT_SETTINGS }
}

/** Sets them (admin only). */
export async function setChatSettings(q: Queryable, v: Viewer, input: ChatSettings): Promise<ChatSettings> {
  if (v.role !== 'admin') throw new AppError('E_FORBIDDEN')
  await q
    .insert(chatSettings)
    .values({ tenantId: v.tenantId, ...input })
    .onConflictDoUpdate({ target: chatSettings.tenantId, set: input })
  return input
}

/**
 * Sets a channel's idle time before a chat auto-completes (T8; null = never). `channelId` 'webchat'
 * names the tenant's website chat. Admin only; another tenant's channel is E_NOT_FOUND.
 */
export async function setAutoComplete(
  q: Queryable,
  v: Viewer,
  channelId: string,
  minutes: number | null,
): Promise<{ channelId: string; minutes: number | null }> {
  if (v.role !== 'admin') throw new AppError('E_FORBIDDEN')
  const id = channelId === 'webchat' ? (await channelSettings(q, v.tenantId, 'webchat'))?.id : channelId
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('E_NOT_FOUND')
  const [row] = await q
    .update(channels)
    .set({ autoCompleteMinutes: minutes })
    .where(and(eq(channels.tenantId, v.tenantId), eq(channels.id, id)))
    .returning({ id: channels.id })
  if (!row) throw new AppError('E_NOT_FOUND')
  return { channelId: row.id, minutes }
}

/** The routing snapshot with names: who is online and allowed chats now. */
async function snapshotOf(q: Queryable, tenantId: string) {
  const r = await loadRouting(q, { tenantId })
  if (!r) throw new AppError('E_NOT_FOUND')
  return r.loaded
}

/** Ids of the snapshot's employees a chat may be given to now (contract/presence.ts `mayChat`). */
function chatReady(s: RoutingSnapshot): Set<string> {
  return new Set(s.employees.filter((e) => presenceOf(presenceInput(s, e)).mayChat).map((e) => e.id))
}

/** Whether this employee may be given a chat now (status allows chats, the app's line is live). */
export async function mayTakeChat(q: Queryable, tenantId: string, employeeId: string): Promise<boolean> {
  return chatReady((await snapshotOf(q, tenantId)).snapshot).has(employeeId)
}

/** T7's picker: every colleague and group, live; those who cannot take a chat now are not selectable. */
export async function chatTransferTargets(q: Queryable, v: Viewer): Promise<ChatTransferTarget[]> {
  const l = await snapshotOf(q, v.tenantId)
  const ready = chatReady(l.snapshot)
  const people: ChatTransferTarget[] = l.snapshot.employees
    .filter((e) => e.id !== v.employeeId)
    .map((e) => {
      const p = presenceOf(presenceInput(l.snapshot, e))
      // The app's line gone is "offline" whatever the status; a live app whose status forbids chats: "status".
      return {
        kind: 'employee',
        id: e.id,
        name: l.names.get(e.id) ?? e.extension,
        status: e.status,
        selectable: p.mayChat,
        reason: p.mayChat ? null : e.registered ? 'status' : 'offline',
      }
    })
  const groups: ChatTransferTarget[] = l.snapshot.groups.map((g) => {
    const available = g.memberIds.filter((m) => m !== v.employeeId && ready.has(m)).length
    return {
      kind: 'group',
      id: g.id,
      name: l.groupNames.get(g.id) ?? g.extension,
      selectable: available > 0,
      reason: available > 0 ? null : 'no_available_member',
      available,
      total: g.memberIds.length,
    }
  })
  return [...people, ...groups]
}

/**
 * Who an offer goes to: the employee if he may take a chat now; a group's available members (not the
 * sender), in the order of the group's strategy (round robin starts after its cursor) — all are
 * offered at once and the first to accept wins; without confirmation the first one takes it.
 * Null when the target is not of this tenant; [] when nobody may take it now.
 */
export async function offerees(
  q: Queryable,
  v: Viewer,
  to: { kind: 'employee' | 'group'; id: string },
): Promise<{ ids: string[]; name: string } | null> {
  const l = await snapshotOf(q, v.tenantId)
  const ready = chatReady(l.snapshot)
  if (to.kind === 'employee') {
    const e = l.snapshot.employees.find((x) => x.id === to.id)
    if (!e) return null
    return { ids: ready.has(e.id) ? [e.id] : [], name: l.names.get(e.id) ?? e.extension }
  }
  const g = l.snapshot.groups.find((x) => x.id === to.id)
  if (!g) return null
  const order = g.strategy === 'round_robin' ? rotateAfter(g.memberIds, g.rrCursor) : g.memberIds
  return {
    ids: order.filter((m) => m !== v.employeeId && ready.has(m)),
    name: l.groupNames.get(g.id) ?? g.extension,
  }
}

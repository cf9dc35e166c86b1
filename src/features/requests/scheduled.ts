/**
 * Scheduled messages (T12) on the device: the REST calls (docs/api.md "Scheduled messages") and a
 * tick per chat that the `scheduled.updated` event moves, so an open chat's list reloads when one of
 * them is sent, edited or cancelled (on this device or another). Not mirrored: they exist only while
 * the server can send them, and the list is read from it.
 */
import { createSignal } from 'solid-js'
import type { ScheduledView } from '../../../contract/leads.ts'
import { api } from '../../lib/api/index.ts'

const [tick, setTick] = createSignal<Record<string, number>>({})

/** Moves when the chat's scheduled messages changed on the server. */
export const scheduledTick = (chatId: string) => tick()[chatId] ?? 0

/** Told by the event (events.ts). */
export function scheduledChanged(s: ScheduledView): void {
  setTick((m) => ({ ...m, [s.chatId]: (m[s.chatId] ?? 0) + 1 }))
}

export async function listScheduled(chatId: string): Promise<ScheduledView[]> {
  return (await api('GET /api/chats/:id/scheduled', { params: { id: chatId } })).scheduled
}

export async function scheduleMessage(chatId: string, text: string, sendAt: Date): Promise<ScheduledView> {
  const r = await api('POST /api/chats/:id/scheduled', {
    params: { id: chatId },
    body: { text, sendAt: sendAt.toISOString() },
  })
  scheduledChanged(r.scheduled)
  return r.scheduled
}

export async function editScheduled(id: string, text: string, sendAt: Date): Promise<ScheduledView> {
  const r = await api('PATCH /api/scheduled/:id', {
    params: { id },
    body: { text, sendAt: sendAt.toISOString() },
  })
  scheduledChanged(r.scheduled)
  return r.scheduled
}

export async function cancelScheduled(id: string): Promise<ScheduledView> {
  const r = await api('DELETE /api/scheduled/:id', { params: { id } })
  scheduledChanged(r.scheduled)
  return r.scheduled
}

/**
 * `YYYY-MM-DDTHH:mm` in local time, what <input type="datetime-local" step="60"> holds: people pick a
 * minute, not a second (the picker shows no seconds field).
 */
export function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

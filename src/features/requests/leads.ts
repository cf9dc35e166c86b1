/**
 * Leads (T11) on the device: the mirror in Dexie (the v1 `leads` table, by [state+createdAt]) and the
 * REST calls that fill it (docs/api.md "Leads"). The `lead.updated` event writes here too (events.ts).
 */
import type { LeadView } from '../../../contract/leads.ts'
import { api } from '../../lib/api/index.ts'
import type { FrontlineDb, LeadRow } from '../../lib/store/index.ts'
import { startRead } from '../../lib/sync/index.ts'

/** Store leads from a snapshot or an event (a later copy replaces an earlier one). */
export async function putLeads(db: FrontlineDb, leads: LeadView[]): Promise<void> {
  await db.leads.bulkPut(leads)
}

/** The server's list is the truth: open leads it no longer lists leave the mirror. */
export async function replaceLeads(db: FrontlineDb, leads: LeadView[]): Promise<void> {
  await db.transaction('rw', db.leads, async () => {
    const keep = new Set(leads.map((l) => l.id))
    const stale = (await db.leads.toArray()).filter((l) => !keep.has(l.id)).map((l) => l.id)
    await db.leads.bulkDelete(stale)
    await db.leads.bulkPut(leads)
  })
}

/** New leads first (oldest first: they wait longest), then taken ones, then the latest completed. */
export async function localLeads(db: FrontlineDb): Promise<LeadRow[]> {
  const by = (state: string) => db.leads.where('[state+createdAt]').between([state, ''], [state, '\uffff'])
  const [fresh, taken, done] = await Promise.all([
    by('new').toArray(),
    by('taken').toArray(),
    by('completed').reverse().limit(50).toArray(),
  ])
  return [...fresh, ...taken, ...done]
}

/** New leads (the tab's count). */
export function newLeadCount(db: FrontlineDb): Promise<number> {
  return db.leads.where('[state+createdAt]').between(['new', ''], ['new', '\uffff']).count()
}

/** Load the list into the mirror. */
export async function refreshLeads(db: FrontlineDb, signal?: AbortSignal): Promise<void> {
  const r = await api('GET /api/leads', { signal })
  await replaceLeads(db, r.leads)
}

/** The leads as the start reads them (the Requests screen and the warm-up share one read). */
export function startRefreshLeads(db: FrontlineDb): Promise<void> {
  return startRead('leads', () => refreshLeads(db))
}

/** Open a lead: a new one becomes mine if nobody was first; otherwise I read it ("taken by X"). */
export async function openLead(db: FrontlineDb, id: string): Promise<LeadView> {
  const { lead } = await api('POST /api/leads/:id/open', { params: { id } })
  await putLeads(db, [lead])
  return lead
}

/** Complete the lead I took. */
export async function completeLead(db: FrontlineDb, id: string): Promise<LeadView> {
  const { lead } = await api('POST /api/leads/:id/complete', { params: { id } })
  await putLeads(db, [lead])
  return lead
}

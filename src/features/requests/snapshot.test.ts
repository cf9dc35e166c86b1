import { describe, expect, it } from 'vitest'
import { SNAPSHOT_ROWS, validSnapshot } from '../../lib/firstpaint/index.ts'
import type { ChatRow } from '../../lib/store/index.ts'
import { buildSnapshot, snapshotRow } from './snapshot.ts'

const NOW = Date.parse('2026-03-02T12:00:00.000Z')

function chat(i: number, over: Partial<ChatRow> = {}): ChatRow {
  const at = new Date(NOW - (i + 1) * 60_000).toISOString()
  return {
    id: `c/${i}`,
    channel: 'webchat',
    state: 'new',
    clientName: `Client ${i}`,
    clientPhone: null,
    clientEmail: null,
    contactId: null,
    visitorId: null,
    groupIds: [],
    assigneeId: null,
    assigneeName: null,
    createdAt: at,
    waitingSince: at,
    acceptedAt: null,
    completedAt: null,
    completedById: null,
    lastMessage: { id: `m${i}`, author: 'client', kind: 'text', preview: `Question ${i}`, at },
    messageCount: 3,
    operatorReadN: 1,
    clientReadN: 3,
    requestInfo: null,
    lastAt: at,
    waitingOrd: at,
    ...over,
  } as ChatRow
}

describe('Requests snapshot for the first paint (issue 10, warm start)', () => {
  it('holds the first rows a tall phone shows, as the rows show them, valid for the account', () => {
    const rows = Array.from({ length: 40 }, (_, i) => chat(i))
    const s = buildSnapshot({
      me: { tenantId: 't1', id: 'e1' },
      start: true,
      tabs: [{ text: 'New 40', on: true, unread: 0 }],
      label: 'New',
      rows,
      now: NOW,
    })
    expect(s.rows).toHaveLength(SNAPSHOT_ROWS)
    expect(s.account).toBe('t1.e1')
    expect(s.rows[0]).toEqual({
      href: '/requests/c%2F0',
      name: 'Client 0',
      channel: 'Website chat',
      preview: 'Question 0',
      time: 'waiting 1 min',
      at: null,
      unread: 2,
    })
    expect(validSnapshot(JSON.parse(JSON.stringify(s)), 't1.e1', 'en')).not.toBeNull()
    expect(validSnapshot(JSON.parse(JSON.stringify(s)), 't1.e2', 'en')).toBeNull()
  })

  it('an In work row shows its time; a nameless client is “Visitor”; a hostile name is kept as text', () => {
    const r = snapshotRow(chat(1, { state: 'active', clientName: null }), NOW)
    expect(r.at).toBe(chat(1).lastAt)
    expect(r.time).not.toMatch(/waiting/)
    expect(r.name).toBe('Visitor')
    expect(snapshotRow(chat(2, { clientName: '<img src=x onerror=alert(1)>' }), NOW).name).toBe(
      '<img src=x onerror=alert(1)>',
    )
  })
})

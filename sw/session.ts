/**
 * The active session's token as the app keeps it (idb-keyval key 'accounts', src/lib/session): the
 * worker reads it to Take, Accept or Decline from a notification without opening the app.
 */

/** The active account's token in the stored accounts state, or null. */
export function activeToken(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null
  const s = raw as { list?: unknown; activeKey?: unknown }
  if (!Array.isArray(s.list) || typeof s.activeKey !== 'string') return null
  const acc = s.list.find(
    (a): a is { key: string; token: string } =>
      !!a && typeof a === 'object' && (a as { key?: unknown }).key === s.activeKey,
  )
  return acc && typeof acc.token === 'string' && acc.token ? acc.token : null
}

/**
 * The channel of a webhook key, remembered for a second (issue 8 ingest budget): at a thousand
 * webhooks a second on a few channels, looking the channel up for each is a query per webhook for a
 * row that almost never changes. Concurrent lookups of one key share one query; a key not found is
 * not remembered (a just-connected channel is never refused for it).
 *
 * An admin change in this process (connect, disconnect, secret rotation, settings: the admin channel
 * routes call `forgetWebhookChannels`) forgets every entry before its answer goes out, so the old key
 * and secret stop working at once here. A change made by another instance (or straight in the
 * database) is seen here within TTL_MS: for up to a second a disconnected channel's or a rotated
 * key's webhooks may still be queued by this process.
 */
/** How long an entry is used. */
export const TTL_MS = 1000
/** Entries at most (a flood of distinct keys cannot grow the map without end). */
const MAX_ENTRIES = 10_000

interface Entry {
  at: number
  value: Promise<unknown>
}
const entries = new Map<string, Entry>()
let generation = 0

/** Forgets every remembered channel (an admin change to channels in this process). */
export function forgetWebhookChannels(): void {
  generation++
  entries.clear()
}

/** `load()`'s channel for this kind and key, from the last second's lookup when there was one. */
export function cachedChannel<T>(kind: string, key: unknown, load: () => Promise<T>): Promise<T> {
  if (typeof key !== 'string') return load()
  const id = `${kind}\u0000${key}`
  const now = performance.now()
  const hit = entries.get(id)
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>
  const gen = generation
  const value = load()
  if (entries.size >= MAX_ENTRIES) entries.clear()
  entries.set(id, { at: now, value })
  // Not found (or the query failed): asked again next time. A lookup that straddled a forget is
  // dropped too, so what it read before the admin change is not served after it.
  const drop = () => {
    if (entries.get(id)?.value === value) entries.delete(id)
  }
  value.then(() => {
    if (gen !== generation) drop()
  }, drop)
  return value
}

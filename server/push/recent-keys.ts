/**
 * The push job keys this process has already queued (issue 8 ingest budget). A push job's key is
 * "one job per key ever" (`chat:<id>:<waitingSince>`, …), so once its INSERT has succeeded here, a
 * later event with the same key — the chat's next message — would only meet ON CONFLICT DO NOTHING.
 * At a thousand webhooks a second that was one wasted statement per message. Bounded (oldest first);
 * a key it forgot, or one another instance queued, still meets the database's unique key.
 */
export interface RecentKeys {
  has(key: string): boolean
  add(key: string): void
}

export function recentKeys(max = 10_000): RecentKeys {
  const keys = new Set<string>()
  return {
    has: (key) => keys.has(key),
    add(key) {
      keys.add(key)
      // A Set iterates in insertion order: the first one is the oldest.
      if (keys.size > max) keys.delete(keys.values().next().value as string)
    },
  }
}

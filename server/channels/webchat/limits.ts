/**
 * Fixed-window request counters for the visitor API, in memory (per instance: they stop bursts).
 * Not @fastify/rate-limit: its request handlers do not stack (one per registration runs per request),
 * and a visitor request must pass two keys, his token and his address.
 */
export class WindowCounter {
  private hits = new Map<string, number>()
  private start = 0

  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts a request of `key`; false once the key is over its limit in this window. */
  hit(key: string, now = Date.now()): boolean {
    // All keys restart together: the map never holds more than one window's keys.
    if (now - this.start >= this.windowMs) {
      this.hits.clear()
      this.start = now
    }
    const n = (this.hits.get(key) ?? 0) + 1
    this.hits.set(key, n)
    return n <= this.max
  }
}

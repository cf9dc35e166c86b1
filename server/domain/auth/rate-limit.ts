/**
 * An in-memory limiter: at most `max` failures per key within `windowMs` (the demo site's guest
 * credentials use it). Logins do not: their throttle counts in the database before hashing
 * (throttle.ts), because a check-then-count in memory let parallel guesses through and each
 * instance kept its own count.
 */
export class FailureLimiter {
  private readonly hits = new Map<string, number[]>()
  constructor(
    private readonly max = 10,
    private readonly windowMs = 5 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs
    const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff)
    if (list.length) this.hits.set(key, list)
    else this.hits.delete(key)
    return list
  }

  /** True when this key has used up its failures. */
  blocked(key: string): boolean {
    return this.recent(key).length >= this.max
  }

  /** Records a failure. */
  fail(key: string): void {
    const list = this.recent(key)
    list.push(this.now())
    this.hits.set(key, list)
    // Bound memory under a spray of distinct keys: drop the oldest keys.
    if (this.hits.size > 50_000) {
      for (const k of [...this.hits.keys()].slice(0, 10_000)) this.hits.delete(k)
    }
  }

  /** Forgets a key (after a successful login). */
  reset(key: string): void {
    this.hits.delete(key)
  }
}

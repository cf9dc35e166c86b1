/**
 * A set of at most `max` keys; adding past that forgets the oldest (insertion order: a Map keeps it).
 * For per-process caches of answers that never turn false (a visitor exists, has contacted).
 */
export class BoundedSet {
  private readonly keys = new Map<string, true>()
  constructor(private readonly max: number) {}
  has(key: string): boolean {
    return this.keys.has(key)
  }
  add(key: string): void {
    if (this.keys.has(key)) return
    this.keys.set(key, true)
    if (this.keys.size > this.max) {
      const oldest = this.keys.keys().next().value
      if (oldest !== undefined) this.keys.delete(oldest)
    }
  }
  get size(): number {
    return this.keys.size
  }
}

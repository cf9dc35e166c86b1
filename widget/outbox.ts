/**
 * Messages the visitor composed that the server has not confirmed, kept in IndexedDB (files and
 * voice as Blobs) so a reload or a lost connection loses none. One sender takes them strictly in
 * order, each with the client id made when it was composed, so a retry is never a copy:
 *
 *   queued ──send ok──▶ (removed: the server's message replaces it)
 *     │ ▲
 *     │ └── network error, 429, 5xx: backoff, same item again
 *     └──── refused (4xx) ──▶ failed ──retry──▶ queued
 */
import { createStore, get, set } from 'idb-keyval'

export interface Pending {
  clientMsgId: string
  text: string
  at: string
  state: 'queued' | 'failed'
  error?: string
  /** Refused for good (413/415: the same file would be refused again): no retry offered. */
  final?: boolean
  blob?: Blob
  fileName?: string
  durationMs?: number
  /** Set once the blob is uploaded, so a retry does not upload it again. */
  fileId?: string
}

const store = () => createStore('frontline-widget', 'outbox')

export class Outbox {
  items: Pending[] = []
  private running = false
  private tries = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly key: string,
    /** Sends one item; throws Refused for a final refusal, anything else to retry. */
    private readonly sendOne: (p: Pending) => Promise<void>,
    private readonly isRefusal: (e: unknown) => string | null,
    private readonly changed: () => void,
  ) {}

  async load(): Promise<void> {
    const saved = await get<Pending[]>(this.key, store()).catch(() => undefined)
    if (saved?.length) this.items = [...saved, ...this.items]
  }

  private save(): void {
    void set(this.key, this.items, store()).catch(() => {})
    this.changed()
  }

  add(p: Omit<Pending, 'state' | 'at'>): void {
    this.items.push({ ...p, state: 'queued', at: new Date().toISOString() })
    this.save()
    this.kick()
  }

  retry(id: string): void {
    const p = this.items.find((x) => x.clientMsgId === id)
    if (!p) return
    p.state = 'queued'
    delete p.error
    this.save()
    this.kick()
  }

  /** Starts the sender now (back online, a new item). */
  kick(): void {
    clearTimeout(this.timer)
    this.tries = 0
    void this.run()
  }

  private async run(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      for (;;) {
        const p = this.items.find((x) => x.state === 'queued')
        if (!p) return
        try {
          await this.sendOne(p)
          this.items = this.items.filter((x) => x !== p)
          this.tries = 0
          this.save()
        } catch (e) {
          const refused = this.isRefusal(e)
          if (refused === null) {
            const delay = Math.min(30_000, 1000 * 2 ** this.tries++)
            this.timer = setTimeout(() => void this.run(), delay)
            return
          }
          p.state = 'failed'
          p.error = refused
          this.save()
        }
      }
    } finally {
      this.running = false
    }
  }
}

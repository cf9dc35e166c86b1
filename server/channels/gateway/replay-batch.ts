/**
 * The Frontline gateway protocol's replay check, batched (issue 8 ingest budget). Each signed webhook
 * must be remembered (`webhook_replays`) before it is accepted, and one INSERT per webhook was most of
 * an SMS webhook's cost at a thousand a second. Signatures that arrive together are gathered for at
 * most `maxWaitMs` and remembered with ONE `INSERT … ON CONFLICT DO NOTHING RETURNING`: a signature
 * the statement returns is fresh; one it does not was seen before. Two copies in one group: the first
 * is fresh, the second a replay (decided here, before the statement — the table would take it once).
 * A failed statement fails every webhook it carried (5xx: the gateway retries). The same gathering as
 * the stage-1 group commit (group-commit.ts), bounded the same way by `maxRows`.
 */
import { sql } from 'drizzle-orm'
import { type Queryable, queryRows } from '../../db/index.ts'

export interface ReplayBatch {
  /** Remembers (channel, signature); true when it was not seen before. Resolves after the commit. */
  fresh(channelId: string, signature: string): Promise<boolean>
}

interface Waiter {
  channelId: string
  signature: string
  resolve: (fresh: boolean) => void
  reject: (e: unknown) => void
}

export function createReplayBatch(
  q: () => Queryable,
  opts: { maxWaitMs?: number; maxRows?: number } = {},
): ReplayBatch {
  const maxWaitMs = opts.maxWaitMs ?? 2
  const maxRows = opts.maxRows ?? 500
  const gathered: Waiter[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let committing = false

  const commit = async () => {
    clearTimeout(timer)
    timer = undefined
    if (committing || !gathered.length) return
    const group = gathered.splice(0, maxRows)
    committing = true
    try {
      const first = new Map<string, Waiter>()
      for (const w of group) {
        const k = `${w.channelId}\u0000${w.signature}`
        if (!first.has(k)) first.set(k, w)
      }
      const rows = await queryRows<{ channel_id: string; signature: string }>(
        q(),
        // One statement text whatever the group (two array parameters), as the stage-1 INSERT.
        sql`INSERT INTO webhook_replays (channel_id, signature)
            SELECT * FROM unnest(${sql.param([...first.values()].map((w) => w.channelId))}::uuid[],
              ${sql.param([...first.values()].map((w) => w.signature))}::text[])
            ON CONFLICT DO NOTHING RETURNING channel_id, signature`,
      )
      const stored = new Set(rows.map((r) => `${r.channel_id}\u0000${r.signature}`))
      for (const w of group) {
        const k = `${w.channelId}\u0000${w.signature}`
        w.resolve(first.get(k) === w && stored.has(k))
      }
    } catch (e) {
      for (const w of group) w.reject(e)
    } finally {
      committing = false
      if (gathered.length) void commit()
    }
  }

  return {
    fresh(channelId, signature) {
      return new Promise<boolean>((resolve, reject) => {
        gathered.push({ channelId, signature, resolve, reject })
        if (committing) return // goes when the statement in flight is over
        if (gathered.length >= maxRows) void commit()
        else timer ??= setTimeout(() => void commit(), maxWaitMs)
      })
    },
  }
}

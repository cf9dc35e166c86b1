/**
 * Stage 1's group commit (issue 8 ingest budget). At a thousand webhooks a second, one INSERT and one
 * commit per webhook is most of what a webhook costs (and on PGlite each holds its one connection):
 * so webhooks that arrive together are gathered for at most `maxWaitMs` (or until `maxRows`) and
 * queued with ONE multi-row `INSERT … ON CONFLICT DO NOTHING` — one statement, one commit. Each
 * webhook waits for that commit before it answers, so "durable before the 200" still holds; a commit
 * that fails fails every webhook it carried (nothing of it is stored: one statement), and each answers
 * 5xx for its provider to retry. While one commit is in flight the next group gathers, and goes as soon
 * as it is over (the wait is only for the first webhook after a lull).
 *
 * Bounded: past `maxPending` rows waiting, a webhook is refused at once with 503 E_BUSY (+ Retry-After,
 * core.ts) — providers retry — rather than the process queueing without end in memory.
 *
 *   idle ──add──▶ gathering ──maxWaitMs or maxRows──▶ committing ──done──▶ idle / committing (gathered)
 */

import type { Queryable } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { enqueueRows, type QueuedMessage } from './ingest.ts'

export interface GroupCommitOptions {
  /** How long the first webhook of a group waits for others (default 2 ms). */
  maxWaitMs?: number
  /** Rows per statement at most (default 500; 11 parameters a row stays far below PostgreSQL's 65,535). */
  maxRows?: number
  /** Rows waiting (gathered and committing) at most; more is 503 E_BUSY (default 5,000). */
  maxPending?: number
  /** The statement (tests wrap it to hold or count it); default `enqueueRows` through `q`. */
  write?: (q: Queryable, rows: readonly { tenantId: string; m: QueuedMessage }[]) => Promise<Set<string>>
}

export interface GroupCommit {
  /** Queues one webhook's messages with the others gathered now; resolves after the commit: how many were new. */
  add(tenantId: string, ms: readonly QueuedMessage[]): Promise<number>
  /** Rows waiting now (gathered and committing). */
  pending(): number
}

interface Waiter {
  tenantId: string
  ms: readonly QueuedMessage[]
  resolve: (created: number) => void
  reject: (e: unknown) => void
}

/** A group commit writing through `q` (the app's pool or PGlite connection). */
export function createGroupCommit(q: () => Queryable, opts: GroupCommitOptions = {}): GroupCommit {
  const maxWaitMs = opts.maxWaitMs ?? 2
  const maxRows = opts.maxRows ?? 500
  const maxPending = opts.maxPending ?? 5000
  const write = opts.write ?? enqueueRows
  const gathered: Waiter[] = []
  let gatheredRows = 0
  let committingRows = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let committing = false

  const commit = async () => {
    clearTimeout(timer)
    timer = undefined
    if (committing || !gathered.length) return
    // A webhook's rows never split across two statements; a group is at most maxRows (or one webhook).
    const group: Waiter[] = []
    let rows = 0
    while (gathered.length) {
      const w = gathered[0] as Waiter
      if (group.length && rows + w.ms.length > maxRows) break
      group.push(w)
      rows += w.ms.length
      gathered.shift()
    }
    gatheredRows -= rows
    committingRows = rows
    committing = true
    try {
      const created = await write(
        q(),
        group.flatMap((w) => w.ms.map((m) => ({ tenantId: w.tenantId, m }))),
      )
      // Each webhook is told how many of its messages were new (a repeat inside the group counts once).
      for (const w of group) {
        let n = 0
        for (const m of w.ms) if (created.delete(`${m.channelId}\u0000${m.providerMsgId}`)) n++
        w.resolve(n)
      }
    } catch (e) {
      for (const w of group) w.reject(e)
    } finally {
      committing = false
      committingRows = 0
      if (gathered.length) void commit()
    }
  }

  return {
    pending: () => gatheredRows + committingRows,
    add(tenantId, ms) {
      if (!ms.length) return Promise.resolve(0)
      if (gatheredRows + committingRows + ms.length > maxPending)
        return Promise.reject(new AppError('E_BUSY'))
      return new Promise<number>((resolve, reject) => {
        gathered.push({ tenantId, ms, resolve, reject })
        gatheredRows += ms.length
        if (committing) return // goes when the commit in flight is over
        if (gatheredRows >= maxRows) void commit()
        else timer ??= setTimeout(() => void commit(), maxWaitMs)
      })
    },
  }
}

/**
 * Login throttle (SPEC A1 hardening, issue 6 item 3). An attempt is counted BEFORE the password is
 * hashed, in one statement (an upsert returning the new counts), so parallel guesses cannot all pass
 * the check while the first ones are still hashing; only attempts within the limits reach scrypt.
 *
 * Two counters per attempt, each in a window of `windowSec` from its first attempt (server/db/windows.ts):
 * - login + client address (`request.ip`: the real client behind the configured TRUSTED_PROXY);
 * - the login alone, across addresses, so a botnet gets `perAccount` guesses per window, not
 *   `perAddress` × addresses. Its cost: guesses from elsewhere can lock the account's owner out for
 *   the rest of the window — a lock, never a way in.
 * Kept in the database (login_attempts) so instances sharing it share the counts. A successful login
 * gives back only its own attempt (count − 1 in the same window): it never resets the counters, so an
 * attacker cannot interleave guesses with the owner's logins to stay under the limit.
 */
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { countHits, dropExpired, type Queryable } from '../../db/index.ts'

export interface LoginLimits {
  /** Attempts per login + address per window. */
  perAddress: number
  /** Attempts per login across all addresses per window. */
  perAccount: number
  windowSec: number
}

/** docs/api.md "Login throttle". */
export const LOGIN_LIMITS: LoginLimits = { perAddress: 10, perAccount: 30, windowSec: 300 }

/**
 * Probe 10 #6: wrong current passwords at PUT /api/me/password, counted like logins under a key of
 * their own (per employee, and per employee + address): a held session is not an unthrottled oracle.
 */
export const PASSWORD_CHANGE_LIMITS: LoginLimits = { perAddress: 5, perAccount: 5, windowSec: 900 }

/**
 * Probe 13 #15: passwords an admin issues (POST /api/admin/employees/:id/password), each a hash —
 * counted with the company as the "login" and the employee as the "address": 5 a minute for one
 * employee, 30 a minute for the company.
 */
export const PASSWORD_ISSUE_LIMITS: LoginLimits = { perAddress: 5, perAccount: 30, windowSec: 60 }

/** The counted attempt: whether it may check the password, and what to give back on success. */
export interface Attempt {
  admitted: boolean
  windows: { key: string; windowStart: string }[]
}

// Keys are hashed: the table keeps neither logins nor addresses in clear, and every key has one size.
const keyOf = (s: string) => crypto.createHash('sha256').update(s).digest('hex')

/** Counts login attempts in the database; stateless apart from when it last swept old rows. */
export class LoginThrottle {
  readonly limits: LoginLimits
  private lastSweep = 0
  constructor(limits: Partial<LoginLimits> = {}) {
    this.limits = { ...LOGIN_LIMITS, ...limits }
  }

  /** Counts one attempt (atomically, before any hashing) and says whether it is within both limits. */
  async attempt(q: Queryable, login: string, ip: string): Promise<Attempt> {
    await this.sweep(q)
    const byAddress = keyOf(`a\0${login}\0${ip}`)
    const byAccount = keyOf(`u\0${login}`)
    const rows = await countHits(q, 'login_attempts', [byAddress, byAccount], this.limits.windowSec)
    const count = (key: string) => Number(rows.find((r) => r.key === key)?.count ?? Infinity)
    return {
      admitted: count(byAddress) <= this.limits.perAddress && count(byAccount) <= this.limits.perAccount,
      windows: rows.map((r) => ({ key: r.key, windowStart: r.windowStart })),
    }
  }

  /** After a successful login: gives back that attempt in the windows it was counted in (never a reset). */
  async succeeded(q: Queryable, a: Attempt): Promise<void> {
    for (const w of a.windows) {
      await q.execute(
        sql`UPDATE login_attempts SET count = count - 1
            WHERE key = ${w.key} AND window_start = ${w.windowStart}::timestamptz AND count > 0`,
      )
    }
  }

  /**
   * Forgets the attempts counted in `a`'s windows. Only for a door whose success proves the password
   * was known already (the own-password change): there a reset gives an attacker nothing.
   */
  async reset(q: Queryable, a: Attempt): Promise<void> {
    for (const w of a.windows) await q.execute(sql`DELETE FROM login_attempts WHERE key = ${w.key}`)
  }

  /** Deletes rows of past windows, at most once a minute per instance. */
  private async sweep(q: Queryable): Promise<void> {
    const now = Date.now()
    if (now - this.lastSweep < 60_000) return
    this.lastSweep = now
    await dropExpired(q, 'login_attempts', this.limits.windowSec)
  }
}

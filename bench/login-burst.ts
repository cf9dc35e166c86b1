/**
 * Login under a 200-request parallel burst (issue 6 budget): real HTTP against an in-process server on
 * a fresh PGlite; prints how many requests reached the password check (must equal the per-address
 * limit) and how long the burst took.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../server/app.ts'
import { loadSecrets, openDatabase } from '../server/db/index.ts'
import { LOGIN_LIMITS, passwordVerifications } from '../server/domain/auth/index.ts'
import { seedDemo } from '../server/domain/tenants/index.ts'
import { Hub } from '../server/realtime/hub.ts'

export interface LoginBurstReport {
  requests: number
  limit: number
  checks: number
  statuses: Record<number, number>
  rightPasswordStatus: number
  ms: number
}

/** Runs the burst: 200 logins at once for one account, the right password at position 41. */
export async function measureLoginBurst(requests = 200): Promise<LoginBurstReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-login-'))
  const db = await openDatabase({ databaseUrl: null, dataDir: dir })
  const hub = new Hub(db)
  try {
    await seedDemo(db, { password: 'bench-pass' })
    await hub.start()
    const app = await buildApp({
      db,
      secrets: await loadSecrets(db.orm, dir),
      hub,
      sipWsUrl: 'ws://127.0.0.1:8088',
      sipStatus: () => 'unavailable',
      distDir: path.join(dir, 'dist'),
      siteDir: path.join(dir, 'site'),
      version: 'bench',
      logLevel: 'silent',
    })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const before = passwordVerifications()
    const t0 = performance.now()
    const codes = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login: 'op1@demo', password: i === 40 ? 'bench-pass' : `guess-${i}` }),
        }).then((r) => r.status),
      ),
    )
    const ms = performance.now() - t0
    await app.close()
    const statuses: Record<number, number> = {}
    for (const c of codes) statuses[c] = (statuses[c] ?? 0) + 1
    return {
      requests,
      limit: LOGIN_LIMITS.perAddress,
      checks: passwordVerifications() - before,
      statuses,
      rightPasswordStatus: codes[40] ?? 0,
      ms,
    }
  } finally {
    await hub.stop()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Lines for the bench output. */
export function formatLoginBurst(r: LoginBurstReport): string[] {
  return [
    `${r.requests} parallel logins (one account, one address): ${r.checks} password checks (limit ${r.limit}) ${r.checks === r.limit ? 'OK' : 'OVER BUDGET'}`,
    `answers: ${Object.entries(r.statuses)
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ')}; the right password (request 41): ${r.rightPasswordStatus}`,
    `burst time: ${r.ms.toFixed(0)} ms`,
  ]
}

/** Shared helpers for the SIP benchmarks: ports, percentiles, ephemeral credentials, Kamailio memory. */
import { createHmac, randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'

export { freePort } from '../../scripts/harness.ts'

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** A secret that passes pbx/index.ts's SAFE check. */
export const randomSecret = () =>
  randomBytes(18)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, 'x')

/** auth_ephemeral credentials as the server issues them: `<expiry>:<user>`, base64(HMAC-SHA1). */
export function ephemeral(secret: string, user: string, ttlSec = 3600) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSec}:${user}`
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') }
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

export const median = (xs: number[]) => percentile(xs, 50)
export const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—')

/** Fixed-width text table. */
export function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)]
}

export interface ProcMem {
  processes: number
  /** Sum of VmRSS (shared memory pages are counted once per process that touched them). */
  rssKb: number
  /** Sum of Pss from smaps_rollup (shared pages split between the processes): the honest total. */
  pssKb: number
  /** utime + stime of those processes so far. */
  cpuMs: number
}

/** Memory of a Kamailio main process (its pid file) and all its children (-DD keeps them direct). */
export async function kamailioMemory(mainPid: number): Promise<ProcMem> {
  const pids = [mainPid]
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const stat = await readFile(`/proc/${e}/stat`, 'utf8')
      // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === mainPid) pids.push(Number(e))
    } catch {}
  }
  let rssKb = 0
  let pssKb = 0
  let cpuMs = 0
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      cpuMs += ((Number(f[11]) + Number(f[12])) * 1000) / 100 // utime, stime in USER_HZ (100 on Linux)
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      pssKb += Number(/Pss:\s+(\d+)/.exec(await readFile(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0)
    } catch {}
  }
  return { processes: pids.length, rssKb, pssKb, cpuMs }
}

export const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`

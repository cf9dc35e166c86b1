/**
 * Server cold start to ready with an existing data directory: spawn, poll /api/health, median of 5;
 * and the resident memory at that moment.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '../scripts/harness.ts'

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

async function startOnce(
  root: string,
  dataDir: string,
): Promise<{ ms: number; rssKb: number; child: ChildProcess }> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      KAMAILIO: 'off',
      DEMO_PASSWORD: 'bench-pass',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  })
  while (performance.now() - t0 < 60_000) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return { ms: performance.now() - t0, rssKb: await rssKb(child.pid!), child }
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGKILL')
  throw new Error('server did not become ready within 60 s')
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

export interface ColdStartReport {
  firstStartMs: number
  firstRssKb: number
  runs: number[]
  medianMs: number
  medianRssKb: number
}

/** First start on an empty dir (initdb + migrations + seed), then `runs` restarts on that dir. */
export async function measureColdStart(root: string, runs = 5): Promise<ColdStartReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-'))
  try {
    const first = await startOnce(root, dir)
    await stop(first.child)
    const times: number[] = []
    const rss: number[] = []
    for (let i = 0; i < runs; i++) {
      const r = await startOnce(root, dir)
      times.push(r.ms)
      rss.push(r.rssKb)
      await stop(r.child)
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    return {
      firstStartMs: first.ms,
      firstRssKb: first.rssKb,
      runs: times,
      medianMs: median(times),
      medianRssKb: median(rss),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Human-readable lines for the report. */
export function formatColdStart(r: ColdStartReport): string[] {
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`
  return [
    `first start on an empty data dir: ${r.firstStartMs.toFixed(0)} ms to /api/health, RSS ${mb(r.firstRssKb)}`,
    `cold start, existing data dir (median of ${r.runs.length}): ${r.medianMs.toFixed(0)} ms, RSS at ready ${mb(r.medianRssKb)}`,
    `  runs: ${r.runs.map((t) => t.toFixed(0)).join(', ')} ms`,
  ]
}

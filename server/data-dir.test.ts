/**
 * Issue 6 item 6, through a real first start of server/main.ts in a temp DATA_DIR: nothing under it is
 * readable by group or others (PGlite's initdb wrote 968 files 0666), old files are repaired, and no
 * file of the database — WAL included — holds the SIP secret, the internal secret or the demo password.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../scripts/harness.ts'

const ROOT = path.resolve(import.meta.dirname, '..')

function walk(p: string, out: { path: string; mode: number; file: boolean }[] = []) {
  const st = fs.lstatSync(p)
  out.push({ path: p, mode: st.mode & 0o777, file: st.isFile() })
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n), out)
  return out
}

describe('DATA_DIR after a first start', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-datadir-'))
  const dataDir = path.join(tmp, 'data')
  let entries: ReturnType<typeof walk>
  beforeAll(async () => {
    // What an install made before this fix may hold: a world-writable folder and file.
    fs.mkdirSync(path.join(dataDir, 'files'), { recursive: true })
    fs.writeFileSync(path.join(dataDir, 'files', 'old.bin'), 'x')
    fs.chmodSync(path.join(dataDir, 'files', 'old.bin'), 0o666)
    fs.chmodSync(path.join(dataDir, 'files'), 0o777)
    fs.chmodSync(dataDir, 0o777)
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        KAMAILIO: 'off',
        SEED_DEMO: '1',
        DEMO_PASSWORD: '',
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString()
    })
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (out.includes('Frontline ready at')) resolve()
      })
      void exited.then((code) => reject(new Error(`server exited (${code}) before ready:\n${out}`)))
    })
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    entries = walk(dataDir)
  }, 120_000)
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('no file or folder under DATA_DIR is group/other-accessible (old ones repaired)', () => {
    expect(entries.filter((e) => e.path.includes(`${path.sep}pg${path.sep}`)).length).toBeGreaterThan(500)
    expect(
      entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.mode.toString(8)} ${e.path}`),
    ).toEqual([])
  })

  it('the secrets and the demo password are in their 0600 files, and nowhere in the database files', () => {
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'))
    const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-logins.json'), 'utf8'))
    const needles = [secrets.sipSecret, secrets.internalSecret, demo.password] as string[]
    for (const n of needles) expect(n.length).toBeGreaterThanOrEqual(12)
    const files = entries.filter((e) => e.file && e.path.startsWith(path.join(dataDir, 'pg')))
    expect(files.some((e) => e.path.includes('pg_wal'))).toBe(true)
    const found: string[] = []
    for (const e of files) {
      const bytes = fs.readFileSync(e.path)
      for (const n of needles) if (bytes.includes(Buffer.from(n))) found.push(`${e.path}: ${n.slice(0, 4)}…`)
    }
    expect(found).toEqual([])
  })
})

/**
 * Runs once before the e2e workers: builds the PWA if dist/ is missing, then starts a server on a fresh
 * data directory so PGlite's initdb, the migrations and the demo seed happen once. Workers copy it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, launchServer, readDemoLogins, stopServer } from './fixtures.ts'

const ROOT = path.resolve(import.meta.dirname, '..')

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (
    !existsSync(path.join(ROOT, 'dist', 'index.html')) ||
    !existsSync(path.join(ROOT, 'dist', 'site', 'index.html'))
  ) {
    const r = spawnSync('npm', ['run', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
    })
    if (r.status !== 0) throw new Error('npm run build failed')
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-e2e-template-'))
  const t0 = Date.now()
  const { child } = await launchServer({ port: await freePort(), dataDir: dir, pbx: false, sipWsPort: 1 })
  await readDemoLogins(dir)
  await stopServer(child)
  console.log(`e2e: template data directory ready in ${Date.now() - t0} ms`)
  // Workers inherit the environment of the runner process.
  process.env.FRONTLINE_E2E_TEMPLATE = dir
  return () => rm(dir, { recursive: true, force: true })
}

/** vitest globalSetup: one migrated PGlite directory that every data-layer test file copies. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { openPglite } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-pgtpl-'))
  const db = await openPglite(path.join(dir, 'pg'))
  await migrate(db)
  await db.close()
  project.provide('pgTemplate', path.join(dir, 'pg'))
  return () => fs.rmSync(dir, { recursive: true, force: true })
}

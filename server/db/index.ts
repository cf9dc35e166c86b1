/** The database door: open (PGlite or PostgreSQL), migrate, schema, change feed, settings. */
import path from 'node:path'
import { type Db, openPglite, openPostgres } from './client.ts'
import { lockDataDir } from './lock.ts'
import { migrate } from './migrate.ts'

export type { Db, Orm, Queryable, Tx } from './client.ts'
export { openPglite, openPostgres, queryRows } from './client.ts'
export {
  type Audience,
  announceGroupsChanged,
  announceLinesChanged,
  appendEvent,
  appendEvents,
  EVENTS_CHANNEL,
  eventBySeq,
  eventsSince,
  GROUPS_CHANGED_PREFIX,
  LINES_CHANGED_PREFIX,
  lastSeq,
  type SpineEvent,
  spineEvents,
} from './events.ts'
export {
  cancelJob,
  enqueueJob,
  JOBS_CHANNEL,
  type JobRow,
  jobByKey,
  type NewJob,
  pendingJobs,
} from './jobs.ts'
export { cutLines, lineCutsSince, lineNotBefore, TENANT_LINE } from './line-cuts.ts'
export { DataDirLocked, LOCK_FILE, lockDataDir, lockHolder, pidAlive } from './lock.ts'
export { logSerializers, redactQueryError, redactUrl } from './log.ts'
export { loadMigrations, type Migration, migrate } from './migrate.ts'
export * as schema from './schema.ts'
export { loadSecrets, SECRETS_FILE, type Secrets, SecretsError } from './secrets.ts'
export { getOrCreateSetting, getSetting, putSetting } from './settings.ts'
export { type Counted, type CounterTable, countHits, dropExpired } from './windows.ts'

/**
 * Opens the configured database and brings its schema up to date. PGlite's directory is locked for
 * this process first (db/lock.ts: DataDirLocked when another live process holds it), until close.
 */
export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Db> {
  if (opts.databaseUrl) return migrated(await openPostgres(opts.databaseUrl))
  const lock = lockDataDir(opts.dataDir)
  try {
    const db = await openPglite(path.join(opts.dataDir, 'pg'))
    const close = db.close
    return await migrated({
      ...db,
      async close() {
        try {
          await close()
        } finally {
          lock.release()
        }
      },
    })
  } catch (e) {
    lock.release()
    throw e
  }
}

async function migrated(db: Db): Promise<Db> {
  try {
    await migrate(db)
  } catch (e) {
    await db.close()
    throw e
  }
  return db
}

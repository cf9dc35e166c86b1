/**
 * One process at a time on a PGlite data directory (probe 13 #5). PGlite has no lock of its own: two
 * processes that open DATA_DIR/pg each run their own engine on the same files, and what the
 * directory holds afterwards is undefined. The server takes this lock when it opens the database,
 * the tenant CLI before it opens it itself; the holder's pid is in the file, so a lock left by a
 * process that died (kill -9, a crash) is taken over, and a live holder is named in the refusal.
 *
 * The file is created with O_EXCL (`wx`): of two processes racing for a free or stale lock, one wins.
 */
import fs from 'node:fs'
import path from 'node:path'

/** DATA_DIR/pg.lock: next to the database directory, not inside it (PGlite owns that). */
export const LOCK_FILE = 'pg.lock'

/** The directory is held by another live process. */
export class DataDirLocked extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file} is held by process ${pid}: another Frontline process has this database open`)
  }
}

export interface DataDirLock {
  readonly file: string
  /** Removes the lock if it is still ours (idempotent). */
  release(): void
}

/** Whether `pid` names a running process (EPERM: it runs under another user — alive too). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid a lock file names, or null when it is unreadable or not a lock of ours. */
export function lockHolder(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** The lock files this process holds (a file naming our own pid but not here is a former life's). */
const held = new Set<string>()

/**
 * Whether a lock's pid is a live holder. After a restart pids repeat (in a container the server is
 * often the same low pid every time): our own pid counts only for a lock this process took, and a
 * live process that is not Node (Linux: /proc/<pid>/cmdline) holds no lock of ours.
 */
function liveHolder(file: string, pid: number): boolean {
  if (pid === process.pid) return held.has(file)
  if (!pidAlive(pid)) return false
  try {
    return /node/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
  } catch {
    return true
  }
}

/** Takes DATA_DIR's lock for this process, or throws DataDirLocked naming the live holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, LOCK_FILE)
  // Twice at most: a stale lock is removed once, then the O_EXCL create decides any race.
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const holder = lockHolder(file)
      // Our own lock: this process opened the directory already, which PGlite cannot share either.
      if (holder !== null && liveHolder(file, holder)) throw new DataDirLocked(file, holder)
      if (attempt > 0) throw new DataDirLocked(file, holder ?? 0)
      fs.rmSync(file, { force: true })
    }
  }
  held.add(file)
  const release = () => {
    process.off('exit', release)
    if (!held.delete(file)) return
    if (lockHolder(file) === process.pid) fs.rmSync(file, { force: true })
  }
  // Released at exit whatever the way out (process.exit after an error, the end of the CLI).
  process.on('exit', release)
  return { file, release }
}

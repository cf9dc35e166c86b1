/**
 * DATA_DIR holds the database, recordings, secrets.json and demo-logins.json: only the server's own
 * user may read it (issue 6 item 6). main.ts sets umask 077 so whatever it creates is 0700/0600, and
 * calls this after opening the database because PGlite's initdb writes its files 0666 whatever the
 * umask; it also repairs installs made before.
 */
import fs from 'node:fs'
import path from 'node:path'

/** Makes every directory under `dir` (and `dir`) 0700 and every file 0600; symlinks are left alone. */
export function restrictDataDir(dir: string): { changed: number } {
  let changed = 0
  const fix = (p: string, st: fs.Stats) => {
    const want = st.isDirectory() ? 0o700 : 0o600
    if ((st.mode & 0o777) !== want) {
      fs.chmodSync(p, want)
      changed++
    }
  }
  const walk = (p: string) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false })
    if (!st || st.isSymbolicLink() || !(st.isDirectory() || st.isFile())) return
    fix(p, st)
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name))
  }
  walk(dir)
  return { changed }
}

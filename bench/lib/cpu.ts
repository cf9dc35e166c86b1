/** CPU time of the processes a bench starts (Linux /proc): a figure that holds on a shared machine. */
import { readdirSync, readFileSync } from 'node:fs'

/** utime + stime of a process, in seconds (Linux /proc; 0 when it is gone or unreadable). */
export function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return 0
  }
}

/** The postmaster listening on `port` and its children (backends, WAL writer…), by /proc. */
export function postgresPids(port: string): number[] {
  const procs: { pid: number; ppid: number; cmd: string }[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ')
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      procs.push({ pid: Number(d), ppid, cmd })
    } catch {
      // gone meanwhile
    }
  }
  const master = procs.find((p) => /postgres/.test(p.cmd) && p.cmd.includes(`-p ${port}`))
  if (!master) return []
  return [master.pid, ...procs.filter((p) => p.ppid === master.pid).map((p) => p.pid)]
}

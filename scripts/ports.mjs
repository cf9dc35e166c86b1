/**
 * Free loopback TCP ports, reserved across processes. Asking the kernel for port 0 and closing the
 * socket leaves a gap before the real server binds the port (a server start, Kamailio's start, a
 * restart on "its" port): two test suites at once on one machine could be handed the same port in
 * that gap. A reservation file per port under <tmpdir>/frontline-ports/, holding the pid that took
 * it, keeps every other caller off the port while that process lives; the process removes its files
 * when it exits, and a file left by a process that died is taken over.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const DIR = path.join(os.tmpdir(), 'frontline-ports')
const mine = new Set()

function kernelPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

/** Reserve `port` for this process; false when a live process (this one too) holds it already. */
export function reservePort(port) {
  fs.mkdirSync(DIR, { recursive: true })
  const file = path.join(DIR, String(port))
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o644 })
      if (mine.size === 0) process.once('exit', release)
      mine.add(file)
      return true
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
    }
    let holder = 0
    try {
      holder = Number(fs.readFileSync(file, 'utf8'))
    } catch {}
    // Held by a live process (this one included: it asked for two ports before binding either).
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false
    fs.rmSync(file, { force: true })
  }
  return false
}

function release() {
  for (const file of mine) fs.rmSync(file, { force: true })
  mine.clear()
}

let pruned = false
/** Removes reservations whose holder died without exiting cleanly (killed test workers). */
function prune() {
  pruned = true
  let names = []
  try {
    names = fs.readdirSync(DIR)
  } catch {
    return
  }
  for (const name of names) {
    const file = path.join(DIR, name)
    try {
      const holder = Number(fs.readFileSync(file, 'utf8'))
      if (!(Number.isInteger(holder) && holder > 0 && alive(holder))) fs.rmSync(file, { force: true })
    } catch {}
  }
}

/** A loopback TCP port that is free now and that no other live caller of freePort holds. */
export async function freePort() {
  if (!pruned) prune()
  if (!fs.existsSync(DIR)) {
    fs.mkdirSync(DIR, { recursive: true })
    // Shared by every user's test processes, like /tmp itself (best effort: another may have made it).
    try {
      fs.chmodSync(DIR, 0o1777)
    } catch {}
  }
  for (let i = 0; i < 100; i++) {
    const port = await kernelPort()
    if (reservePort(port)) return port
  }
  throw new Error(`freePort: no unreserved port after 100 tries (see ${DIR})`)
}

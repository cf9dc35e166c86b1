/** Two test suites at once on one machine must never be handed the same port (scripts/repeat-test.mjs). */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, reservePort } from './ports.mjs'

/** Another live process (another suite): a node that waits until killed. */
async function otherProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  await once(child, 'spawn')
  return child
}

describe('freePort reservations', () => {
  it('a port another live process holds is refused until that process dies, then taken over', async () => {
    // A privileged port: never handed out for bind(0), so no other caller reserves it. Start from our
    // pid (two suites running this test at once look at different ports) and skip any port whose
    // file is there. The other process's reservation is its pid in the port's file, as reservePort
    // writes it.
    const dir = path.join(os.tmpdir(), 'frontline-ports')
    fs.mkdirSync(dir, { recursive: true })
    let port = 1 + (process.pid % 1000)
    while (fs.existsSync(path.join(dir, String(port)))) port = 1 + (port % 1023)
    const file = path.join(dir, String(port))
    const other = await otherProcess()
    try {
      fs.writeFileSync(file, String(other.pid), { flag: 'wx' })
      expect(reservePort(port)).toBe(false)
      other.kill('SIGKILL')
      await once(other, 'exit')
      expect(reservePort(port)).toBe(true)
      expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid))
    } finally {
      other.kill('SIGKILL')
      // Ours now: give it back so no file is left for a later run.
      fs.rmSync(file, { force: true })
    }
  })

  it('one process never gets the same port twice while it still holds it', async () => {
    const a = await freePort()
    expect(reservePort(a)).toBe(false)
    const seen = new Set([a])
    for (let i = 0; i < 20; i++) {
      const p = await freePort()
      expect(seen.has(p)).toBe(false)
      seen.add(p)
    }
  })
})

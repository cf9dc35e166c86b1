/** Two test suites at once on one machine must never be handed the same port (scripts/repeat-test.mjs). */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, reservePort } from './ports.mjs'

const PORTS = path.join(import.meta.dirname, 'ports.mjs')

/** Another process (another suite) that reserves `port` and stays alive until killed. */
async function otherSuite(port: number) {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { reservePort } = await import(${JSON.stringify(PORTS)}); console.log(reservePort(${port})); setInterval(() => {}, 1000)`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string]
  return { child, reserved: line.trim() === 'true' }
}

describe('freePort reservations', () => {
  it('a port another live process took is refused until that process dies, then taken over', async () => {
    // A privileged port: never handed out for bind(0), so only this test reserves it. Start from our pid
    // (two suites running this test at once look at different ports) and skip a port whose file is
    // still there: a run killed before it cleaned up leaves one, and its pid may belong to a live
    // process by now.
    let port = 1 + (process.pid % 1000)
    while (fs.existsSync(path.join(os.tmpdir(), 'frontline-ports', String(port)))) port = 1 + (port % 1023)
    const other = await otherSuite(port)
    expect(other.reserved).toBe(true)
    expect(reservePort(port)).toBe(false)
    other.child.kill('SIGKILL')
    await once(other.child, 'exit')
    expect(reservePort(port)).toBe(true)
    // Ours now: give it back so no file is left for a later run (a worker thread has no 'exit' of its own).
    fs.rmSync(path.join(os.tmpdir(), 'frontline-ports', String(port)), { force: true })
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

/** Two test suites at once on one machine must never be handed the same port (scripts/repeat-test.mjs). */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
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
    // A privileged port: never handed out for bind(0), so only this test reserves it (per pid, so two
    // suites running this test at once do not meet).
    const port = 1 + (process.pid % 1000)
    const other = await otherSuite(port)
    expect(other.reserved).toBe(true)
    expect(reservePort(port)).toBe(false)
    other.child.kill('SIGKILL')
    await once(other.child, 'exit')
    expect(reservePort(port)).toBe(true)
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

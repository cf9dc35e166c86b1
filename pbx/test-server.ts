/**
 * The set-up of the tests that run through a real Kamailio and the real server: a test fixture
 * listening on loopback, and Kamailio rendered from the template asking it (route requests, dialog
 * and registration reports) on a free WebSocket port.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from '../scripts/harness.ts'
import type { Target } from '../server/test/dbs.ts'
import { type Fixture, makeFixture } from '../server/test/fixture.ts'
import { findKamailio, type Pbx, startPbx } from './index.ts'

export interface ServerWithPbx {
  f: Fixture
  pbx: Pbx
  /** Kamailio's SIP WebSocket port on 127.0.0.1. */
  wsPort: number
  /** Stops Kamailio, closes the fixture, removes the run directory. */
  close(): Promise<void>
}

/** Starts the fixture's server and a Kamailio that asks it; `log` gets Kamailio's output lines. */
export async function startServerWithPbx(
  target: Target,
  opts: {
    log?: (line: string) => void
    fixture?: Parameters<typeof makeFixture>[1]
    /** PbxOptions.keepaliveSec (default: the production default). */
    keepaliveSec?: number
  } = {},
): Promise<ServerWithPbx> {
  const binary = findKamailio(process.env.KAMAILIO === 'off' ? 'kamailio' : undefined)
  if (!binary) throw new Error('kamailio is not installed: run `node scripts/bootstrap.mjs --test` as root')
  const f = await makeFixture(target, opts.fixture)
  const runDir = await mkdtemp(path.join(tmpdir(), 'frontline-pbx-'))
  try {
    await f.app.listen({ port: 0, host: '127.0.0.1' })
    const port = (f.app.server.address() as AddressInfo).port
    const wsPort = await freePort()
    const pbx = await startPbx({
      wsPort,
      secret: f.secrets.sipSecret,
      internalUrl: `http://127.0.0.1:${port}`,
      internalSecret: f.secrets.internalSecret,
      runDir,
      log: opts.log ?? (() => {}),
      binary,
      ...(opts.keepaliveSec !== undefined ? { keepaliveSec: opts.keepaliveSec } : {}),
    })
    if (!pbx) throw new Error('Kamailio did not start')
    return {
      f,
      pbx,
      wsPort,
      close: async () => {
        await pbx.stop()
        await f.close()
        await rm(runDir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    await f.close()
    await rm(runDir, { recursive: true, force: true })
    throw e
  }
}

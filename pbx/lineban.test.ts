/**
 * Issue 13 through a real Kamailio and the real server: a suspended tenant's SIP credentials — even
 * ones minted before the suspension, still valid by their HMAC — are refused and its lines removed
 * from the registrar; a deactivated employee's line likewise, while his colleagues' lines work; both
 * come back when re-activated, with new credentials only (probe 13 #1). The bans are written by the server's `watchLines` on the `lines:`
 * notices of the domain's own transactions.
 */
import { Registerer, RegistererState, type UserAgent } from 'sip.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SipSettings } from '../contract/api.ts'
import { deactivateEmployee, reactivateEmployee } from '../server/domain/employees/index.ts'
import { reactivateCompany, suspendCompany } from '../server/domain/tenants/index.ts'
import { watchLines } from '../server/realtime/lines.ts'
import { aorsInDump, dumpUsrloc, kamailioRpc, type RpcCall } from '../server/sip/index.ts'
import { targets } from '../server/test/dbs.ts'
import type { Fixture } from '../server/test/fixture.ts'
import { sipAgent } from './test-agents.ts'
import { type ServerWithPbx, startServerWithPbx } from './test-server.ts'

const [target] = targets

describe('line bans in Kamailio (issue 13)', () => {
  let server: ServerWithPbx | null = null
  let f: Fixture
  let rpc: RpcCall
  let unwatch: () => void = () => {}
  const agents: UserAgent[] = []
  const errors: unknown[] = []

  beforeAll(async () => {
    server = await startServerWithPbx(target!)
    f = server.f
    rpc = kamailioRpc({ port: server.wsPort, secret: f.secrets.internalSecret })
    unwatch = await watchLines({ db: f.db, rpc, spine: f.hub.spine, onError: (e) => errors.push(e) })
  }, 60_000)

  afterAll(async () => {
    unwatch()
    for (const a of agents) await a.stop().catch(() => {})
    await server?.close()
  })

  /** REGISTERs with `sip`; resolves with 200 or the refusal's status code. */
  async function register(sip: SipSettings): Promise<number | string> {
    const ua = sipAgent({
      uri: sip.aor,
      wsPort: server!.wsPort,
      username: sip.username,
      password: sip.password,
    })
    agents.push(ua)
    await ua.start()
    const reg = new Registerer(ua)
    return new Promise<number | string>((resolve) => {
      reg.stateChange.addListener((s) => s === RegistererState.Registered && resolve(200))
      void reg.register({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } })
      setTimeout(() => resolve('timeout'), 8000)
    })
  }

  const registered = async () => aorsInDump(await dumpUsrloc(rpc))
  async function until(cond: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 100))
    expect(await cond()).toBe(true)
  }

  it("a deactivated employee's line is unregistered and refused; a colleague's still registers", async () => {
    const op = await f.login('op5@demo')
    const admin = await f.login('admin@demo')
    expect(await register(op.sip!)).toBe(200)
    await until(async () => (await registered()).has('105@demo.frontline.local'))
    await deactivateEmployee(f.db, { tenantId: op.me.tenantId, employeeId: admin.me.id }, op.me.id)
    await until(async () => !(await registered()).has('105@demo.frontline.local'))
    // The credentials he had are still good by their HMAC: Kamailio's ban refuses them.
    expect(await register(op.sip!)).toBe(403)
    expect(await register((await f.login('op6@demo')).sip!)).toBe(200)
    await reactivateEmployee(f.db, { tenantId: op.me.tenantId, employeeId: admin.me.id }, op.me.id)
    // Probe 13 #1: re-activated, he registers with a new credential; the one from before stays refused.
    await until(async () => (await register((await f.login('op5@demo')).sip!)) === 200)
    expect(await register(op.sip!)).toBe(403)
    expect(errors).toEqual([])
  }, 60_000)

  it("a suspended tenant's old SIP credentials are refused and its lines cut; re-activated, they work", async () => {
    const op = await f.login('op1@demo')
    expect(await register(op.sip!)).toBe(200)
    await until(async () => (await registered()).has('101@demo.frontline.local'))
    const cut = await suspendCompany(f.db, 'demo')
    expect(cut.cut?.sessions).toBeGreaterThan(0)
    await until(async () => ![...(await registered())].some((a) => a.endsWith('@demo.frontline.local')))
    expect(await register(op.sip!)).toBe(403)
    await reactivateCompany(f.db, 'demo')
    await until(async () => (await register((await f.login('op1@demo')).sip!)) === 200)
    expect(await register(op.sip!)).toBe(403)
    expect(errors).toEqual([])
  }, 60_000)
})

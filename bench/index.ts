/** `npm run bench`: prints figures, asserts nothing. Run through scripts/bench.mjs (builds first). */
import path from 'node:path'
import { formatBundle, measureBundle } from './bundle.ts'
import { type CallWakeOptions, formatCallWake, measureCallWake } from './call-wake.ts'
import { formatCalls, measureCalls } from './calls.ts'
import { formatColdStart, measureColdStart } from './cold-start.ts'
import { formatDexie, measureDexie } from './dexie.ts'
import { type EmailBenchOptions, formatEmail, measureEmail } from './email.ts'
import { type EmailMemoryOptions, formatEmailMemory, measureEmailMemory } from './email-memory.ts'
import { type FanoutOptions, formatFanout, measureFanout } from './fanout.ts'
import { formatGateway, type GatewayOptions, measureGateway } from './gateway.ts'
import { measureStage1, type Stage1Options } from './gateway-stage1.ts'
import { table } from './lib/common.ts'
import { formatLighthouse, type LighthouseOptions, measureLighthouse } from './lighthouse.ts'
import { formatLoginBurst, measureLoginBurst } from './login-burst.ts'
import { formatPush, measurePush, type PushBenchOptions } from './push.ts'
import { formatRegisterStorm, measureRegisterStorm } from './register-storm.ts'
import { formatTracking, measureTracking } from './tracking.ts'
import { formatTransfer, measureTransfer, type TransferOptions } from './transfer.ts'
import { formatBlindTransfer, measureBlindTransfer } from './transfer-blind.ts'
import { formatWarmStart, measureWarmStart, type WarmStartOptions } from './warm-start.ts'
import { formatWarmData, measureWarmData, type WarmDataOptions } from './warm-start-data.ts'

const root = path.resolve(import.meta.dirname, '..')
const only = process.argv[2]

/** Kamailio/Chromium benchmarks report what is missing instead of ending the whole run. */
async function section(title: string, run: () => Promise<string[]>): Promise<void> {
  console.log(`\n== ${title} ==`)
  try {
    for (const l of await run()) console.log(l)
  } catch (e) {
    console.log(`not measured: ${(e as Error).message}`)
    process.exitCode = 1
  }
}

if (!only || only === 'bundle') {
  console.log('\n== bundle (dist/) ==')
  for (const l of formatBundle(measureBundle(path.join(root, 'dist')))) console.log(l)
}
if (!only || only === 'cold-start') {
  console.log('\n== server cold start ==')
  for (const l of formatColdStart(await measureColdStart(root))) console.log(l)
}
if (!only || only === 'login-burst') {
  await section('login: 200-request parallel burst', async () => formatLoginBurst(await measureLoginBurst()))
}
if (!only || only === 'calls') {
  await section('calls: dial → ringing, accept → two-way audio (routed vs plain Kamailio)', async () =>
    formatCalls(await measureCalls(root)),
  )
}
if (!only || only === 'register-storm') {
  await section('registration storm (SIP.js in Node → Kamailio)', async () =>
    formatRegisterStorm(await measureRegisterStorm()),
  )
}
if (!only || only === 'fanout') {
  // FANOUT='{"operators":50,"seconds":3}' shrinks the run (a quick look); the defaults are the budget's.
  const opts = JSON.parse(process.env.FANOUT || '{}') as Partial<FanoutOptions>
  await section(
    'fanout: visitor sends → operator sockets receive chat.message (vs a bare ws broadcast)',
    async () => formatFanout(await measureFanout(opts), table),
  )
}
if (!only || only === 'dexie') {
  await section(
    'dexie: the Requests mirror in Chromium (open a chat of 10,000 messages, lists of 5,000 chats)',
    async () => formatDexie(await measureDexie()),
  )
}
if (!only || only === 'email') {
  // EMAIL_BENCH='{"mails":50}' shrinks the run; the defaults are a few hundred mails per phase.
  const opts = JSON.parse(process.env.EMAIL_BENCH || '{}') as Partial<EmailBenchOptions>
  await section("e-mail: mail accepted by SMTP → on the operator's screen (WebSocket event)", async () =>
    formatEmail(await measureEmail(opts), table),
  )
}
if (!only || only === 'transfer') {
  // TRANSFER='{"offers":50,"openOffers":200}' shrinks the run; the defaults are the budget's.
  const opts = JSON.parse(process.env.TRANSFER || '{}') as Partial<TransferOptions>
  await section('transfer: offer → colleague socket; expiry lateness at 1,000 open offers', async () =>
    formatTransfer(await measureTransfer(opts)),
  )
}
if (!only || only === 'gateway') {
  // GATEWAY='{"webhooks":1000}' shrinks the run; GATEWAY_DB=postgres under scripts/with-postgres.mjs.
  const opts = JSON.parse(process.env.GATEWAY || '{}') as Partial<GatewayOptions>
  await section('gateway: provider webhooks ingested (dedupe on) → operator socket', async () =>
    formatGateway(await measureGateway(opts), table),
  )
}
if (!only || only === 'gateway-stage1') {
  // STAGE1='{"webhooks":500}'; GATEWAY_DB=postgres under scripts/with-postgres.mjs.
  const opts = JSON.parse(process.env.STAGE1 || '{}') as Partial<Stage1Options>
  await section('gateway stage 1: the write before the 200, one INSERT per webhook vs group commit', () =>
    measureStage1(opts),
  )
}
if (!only || only === 'email-memory') {
  // EMAIL_MEMORY='{"parallel":4,"mb":10}' shrinks the run; the default is probe 8's 16 × 34 MB.
  const opts = JSON.parse(process.env.EMAIL_MEMORY || '{}') as Partial<EmailMemoryOptions>
  await section('e-mail: server memory with large mails at once (SMTP)', async () =>
    formatEmailMemory(await measureEmailMemory(opts)),
  )
}
if (!only || only === 'call-wake') {
  // CALL_WAKE='{"calls":5}' shrinks the run.
  const opts = JSON.parse(process.env.CALL_WAKE || '{}') as Partial<CallWakeOptions>
  await section('call-wake: incoming call to a closed app → ringing after the app registers', async () =>
    formatCallWake(await measureCallWake(opts)),
  )
}
if (!only || only === 'push') {
  // PUSH_BENCH='{"chats":50,"direct":50}' shrinks the run.
  const opts = JSON.parse(process.env.PUSH_BENCH || '{}') as Partial<PushBenchOptions>
  await section('web push: server event → push request at the push-service stand-in', async () =>
    formatPush(await measurePush(opts)),
  )
}
if (!only || only === 'warm-start') {
  // WARM_START='{"runs":3}' changes the run; the mirror's defaults are the budget's (100k messages, 10k calls).
  const opts = JSON.parse(process.env.WARM_START || '{}') as Partial<WarmStartOptions & WarmDataOptions>
  await section('warm start: PWA + Dexie mirror, Pixel 7, CPU 4× throttled, offline', async () =>
    formatWarmStart(await measureWarmStart(opts)),
  )
  await section('warm start reads: open a chat, history search (unthrottled)', async () =>
    formatWarmData(await measureWarmData(opts)),
  )
}
if (!only || only === 'transfer-blind') {
  // TRANSFER_BLIND='{"transfers":5}' shrinks the run.
  const opts = JSON.parse(process.env.TRANSFER_BLIND || '{}') as { transfers?: number; warmup?: number }
  await section('transfer-blind: REFER → target ringing with a JsSIP customer (no Referred-By)', async () =>
    formatBlindTransfer(await measureBlindTransfer(root, opts)),
  )
}
if (only === 'tracking' || !only) {
  await section('tracking: page views/s on one process, page view → Insider, /track.js size', async () =>
    formatTracking(await measureTracking()),
  )
}
if (!only || only === 'lighthouse') {
  // LIGHTHOUSE='{"runs":1}' shrinks the run, '{"detail":true}' prints Lighthouse's breakdown of the
  // signed-in runs, '{"signedInOnly":true}' skips the login page; the built PWA (dist/) is what is measured.
  const opts = JSON.parse(process.env.LIGHTHOUSE || '{}') as Partial<LighthouseOptions>
  await section('first paint: Lighthouse mobile, login page and a signed-in screen', async () =>
    formatLighthouse(await measureLighthouse(opts)),
  )
}

/**
 * Inbound e-mail memory (probe 8 #3): a real server process takes `parallel` large mails at once over
 * raw SMTP connections; measured: the server's resident memory before and its peak (Linux VmHWM) after,
 * how long until every sender heard its reply, and the replies (250 stored, 4xx: retry later).
 * Each sender connects from its own loopback address (127.0.1.n). Each mail is `mb` MB encoded: a short text part and one base64 attachment of random bytes (refused by
 * its type after parsing, so the figure is the SMTP server's and the parser's, not the file store's).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { launchServer, stopServer } from '../scripts/harness.ts'
import { rawSmtp } from '../server/test/smtp.ts'
import { freePort } from './lib/common.ts'

export interface EmailMemoryOptions {
  parallel: number
  mb: number
}
export const EMAIL_MEMORY_DEFAULTS: EmailMemoryOptions = { parallel: 16, mb: 34 }

export interface EmailMemoryReport {
  options: EmailMemoryOptions
  rssBeforeMb: number
  peakMb: number
  seconds: number
  replies: Record<string, number>
}

const DEMO = 'support@demo.frontline.local'
const statusKb = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)

/** The body of a mail of about `mb` MB (shared by every sender; each adds its own header). */
function body(mb: number): Buffer {
  const b64 = randomBytes(Math.floor((mb * 1024 * 1024 * 3) / 4) - 4096)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n')
  return Buffer.from(
    [
      'Subject: big',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'a large mail',
      '--b',
      'Content-Type: application/pdf; name="big.pdf"',
      'Content-Disposition: attachment; filename="big.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b--',
      '',
    ].join('\r\n'),
  )
}

export async function measureEmailMemory(opts: Partial<EmailMemoryOptions> = {}): Promise<EmailMemoryReport> {
  const o = { ...EMAIL_MEMORY_DEFAULTS, ...opts }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontline-bench-email-memory-'))
  const port = await freePort()
  const smtpPort = await freePort()
  const { child } = await launchServer({
    port,
    dataDir,
    pbx: false,
    sipWsPort: await freePort(),
    password: 'bench-email-memory',
    env: { SMTP_PORT: String(smtpPort) },
    timeoutMs: 90_000,
  })
  const pid = child.pid!
  try {
    const shared = body(o.mb)
    const rssBeforeMb = statusKb(pid, 'VmRSS') / 1024
    const t0 = performance.now()
    const replies: Record<string, number> = {}
    await Promise.all(
      Array.from({ length: o.parallel }, async (_, i) => {
        // One loopback address per sender: the server keeps at most a few connections per IP.
        const s = await rawSmtp(smtpPort, `127.0.1.${i + 1}`)
        try {
          if (!s.greeting.startsWith('220')) {
            const code = s.greeting.slice(0, 3)
            replies[code] = (replies[code] ?? 0) + 1
            return
          }
          await s.send('EHLO bench')
          await s.send(`MAIL FROM:<sender${i}@bench.example>`)
          await s.send(`RCPT TO:<${DEMO}>`)
          const go = await s.send('DATA')
          let r = go
          if (go.startsWith('354')) {
            await s.write(
              `From: sender${i}@bench.example\r\nTo: ${DEMO}\r\nMessage-ID: <${randomUUID()}@bench.example>\r\n`,
            )
            await s.write(shared)
            await s.write('\r\n.\r\n')
            r = await s.reply()
          }
          const code = r.slice(0, 3)
          replies[code] = (replies[code] ?? 0) + 1
        } finally {
          s.close()
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    return { options: o, rssBeforeMb, peakMb: statusKb(pid, 'VmHWM') / 1024, seconds, replies }
  } finally {
    await stopServer(child)
    await rm(dataDir, { recursive: true, force: true })
  }
}

export function formatEmailMemory(r: EmailMemoryReport): string[] {
  return [
    `${r.options.parallel} mails of ${r.options.mb} MB at once over SMTP`,
    `server RSS before ${r.rssBeforeMb.toFixed(0)} MB, peak ${r.peakMb.toFixed(0)} MB; all replied in ${r.seconds.toFixed(1)} s`,
    `replies: ${Object.entries(r.replies)
      .map(([c, n]) => `${n}× ${c}`)
      .join(', ')}`,
  ]
}

/**
 * `npm run tenant -- <command>` (issue 13 item 1): the platform operator's companies.
 *
 *   create --name "ООО Ромашка" --slug romashka --seats 10 --admin-login boss@romashka [--admin-name …]
 *   list
 *   suspend <slug>
 *   reactivate <slug>
 *
 * It works against the server's data (DATA_DIR, DATABASE_URL — the same environment as `npm start`).
 * When the server runs, the command goes to it (POST /internal/tenants on loopback only, signed with the
 * internal secret from DATA_DIR/secrets.json, which is never sent: server/http/signed-internal.ts): PGlite's directory cannot be opened by two processes, and only
 * the running server holds the sockets and Kamailio that a suspension must cut at once. When no server
 * runs, the CLI opens the database itself, under the data directory's lock (db/lock.ts); a suspension
 * then takes effect in Kamailio at the next start (the server writes every tenant's line bans when
 * Kamailio has started). A server that is alive but silent is waited for, then refused — never
 * by-passed onto its directory (probe 13 #5).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { type TenantCommandAnswer, TenantCommandSchema } from '../contract/admin.ts'
import { type ErrorCode, errorMessage } from '../contract/errors.ts'
import { UNSAFE_CONTROLS } from '../contract/text.ts'
import { loadConfig } from './config.ts'
import { DataDirLocked, openDatabase, pidAlive, SECRETS_FILE } from './db/index.ts'
import { createCompany, listCompanies, reactivateCompany, suspendCompany } from './domain/tenants/index.ts'
import { AppError } from './errors.ts'
import { SIGNATURE_HEADER, signInternal } from './http/signed-internal.ts'

/** Where the running server says it listens (server/main.ts writes it; removed at shutdown). */
export const SERVER_FILE = path.join('run', 'server.json')

const USAGE = `usage:
  npm run tenant -- create --name <name> --slug <slug> --seats <n> --admin-login <login> [--admin-name <name>]
  npm run tenant -- list
  npm run tenant -- suspend <slug>
  npm run tenant -- reactivate <slug>`

type Command = v.InferOutput<typeof TenantCommandSchema>

/** argv → a checked command (the same schema the internal route validates). */
export function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      seats: { type: 'string' },
      'admin-login': { type: 'string' },
      'admin-name': { type: 'string' },
    },
  })
  const [command, slug] = positionals
  const raw =
    command === 'create'
      ? {
          command,
          tenant: {
            name: values.name,
            slug: values.slug,
            seats: values.seats === undefined ? undefined : Number(values.seats),
            adminLogin: values['admin-login'],
            ...(values['admin-name'] ? { adminName: values['admin-name'] } : {}),
          },
        }
      : command === 'list'
        ? { command }
        : { command, slug }
  const r = v.safeParse(TenantCommandSchema, raw)
  if (!r.success)
    throw new UsageError(r.issues.map((i) => `${v.getDotPath(i) ?? 'command'}: ${i.message}`).join('\n'))
  return r.output
}

class UsageError extends Error {}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** How long the CLI waits for a server that run/server.json names and that is alive (probe 13 #5). */
export const SERVER_WAIT_MS = 30_000

/** A live server that does not answer: its database is not ours to open. */
export class ServerSilent extends Error {}

/** One /api/health within `ms`: true when it answers 2xx. */
async function healthy(url: string, ms: number): Promise<boolean> {
  try {
    const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(ms) })
    return r.ok
  } catch {
    return false
  }
}

/**
 * The running server's internal URL and secret, or null when no server runs. A server that
 * run/server.json names and whose process is alive is asked again for `waitMs` (a busy machine, a GC
 * pause, a long transaction); if it still does not answer, ServerSilent — never a fall-back onto the
 * directory it holds (probe 13 #5).
 */
async function runningServer(
  dataDir: string,
  port: number,
  waitMs: number,
): Promise<{ url: string; secret: string } | null> {
  let secret: string
  try {
    secret = (
      JSON.parse(fs.readFileSync(path.join(dataDir, SECRETS_FILE), 'utf8')) as { internalSecret: string }
    ).internalSecret
  } catch {
    return null
  }
  let url = `http://127.0.0.1:${port}`
  let pid = 0
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as {
      internalUrl?: string
      pid?: number
    }
    if (s.internalUrl) url = s.internalUrl
    if (typeof s.pid === 'number') pid = s.pid
  } catch {}
  // Only loopback: a URL elsewhere (an edited server.json) is refused, not asked.
  if (!LOOPBACK_HOSTS.has(new URL(url).hostname))
    throw new Error(`${SERVER_FILE}: ${url} is not a loopback URL`)
  if (await healthy(url, 2000)) return { url, secret }
  if (!pidAlive(pid)) return null
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500))
    if (await healthy(url, Math.max(1, Math.min(2000, deadline - Date.now())))) return { url, secret }
    if (!pidAlive(pid)) return null
  }
  throw new ServerSilent(`the server at ${url} (process ${pid}) does not answer; not touching its database`)
}

/** Runs one command through the running server, or on the database when none runs. */
export async function runCommand(
  cmd: Command,
  env: NodeJS.ProcessEnv = process.env,
  opts: { waitMs?: number } = {},
): Promise<{ via: 'server' | 'database'; answer: TenantCommandAnswer }> {
  const config = loadConfig(env)
  const server = await runningServer(config.dataDir, config.port, opts.waitMs ?? SERVER_WAIT_MS)
  if (server) {
    // Signed, never the secret: whatever answers at the URL may not be our server (probe 10 #9).
    const body = JSON.stringify(cmd)
    const r = await fetch(`${server.url}/internal/tenants`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signInternal(server.secret, 'POST', '/internal/tenants', body),
      },
      body,
    })
    const answer = (await r.json()) as TenantCommandAnswer & { error?: { code: string; message: string } }
    if (!r.ok) throw new AppError((answer.error?.code ?? 'E_INTERNAL') as ErrorCode)
    return { via: 'server', answer }
  }
  // Takes the data directory's lock (db/lock.ts): a server starting up, or another command, holds it.
  const db = await openDatabase(config)
  try {
    const answer =
      cmd.command === 'create'
        ? await createCompany(db, cmd.tenant)
        : cmd.command === 'list'
          ? { tenants: await listCompanies(db.orm) }
          : cmd.command === 'suspend'
            ? await suspendCompany(db, cmd.slug)
            : await reactivateCompany(db, cmd.slug)
    return { via: 'database', answer }
  } finally {
    await db.close()
  }
}

/**
 * A stored name as the terminal shows it: every control and bidi character as a visible `\u{…}`, so
 * an older name (stored before probe 13 #11) cannot colour the terminal, forge a row or reverse text.
 */
export function printable(s: string | undefined): string {
  return (s ?? '').replace(UNSAFE_CONTROLS, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`)
}

/** What the operator reads. */
export function describeAnswer(cmd: Command, a: TenantCommandAnswer): string {
  const t = a.tenant && { ...a.tenant, name: printable(a.tenant.name), slug: printable(a.tenant.slug) }
  switch (cmd.command) {
    case 'create':
      return [
        `created ${t?.name} (${t?.slug}), SIP domain ${t?.sipDomain}, ${t?.seats} seats`,
        `admin login:    ${printable(a.admin?.login)}`,
        `admin password: ${a.admin?.password}   (shown once, one-time: give it to the admin; at first sign-in they choose their own)`,
      ].join('\n')
    case 'list':
      return (a.tenants ?? [])
        .map(
          (x) =>
            `${printable(x.slug).padEnd(20)} ${x.suspended ? 'SUSPENDED' : 'active   '} ${String(x.employees).padStart(4)}/${String(x.seats).padEnd(5)} ${printable(x.name)}`,
        )
        .join('\n')
    case 'suspend':
      return `suspended ${t?.slug}: ${a.cut?.sessions ?? 0} sessions and ${a.cut?.lines ?? 0} lines cut`
    case 'reactivate':
      return `re-activated ${t?.slug}`
  }
}

async function main(): Promise<void> {
  // Like the server (server/main.ts): a database the CLI creates is for the server's user only.
  process.umask(0o077)
  let cmd: Command
  try {
    cmd = parseCommand(process.argv.slice(2))
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  try {
    const { via, answer } = await runCommand(cmd)
    console.log(describeAnswer(cmd, answer))
    if (via === 'database' && cmd.command !== 'list')
      console.log('(no server was running: written to the database; Kamailio follows at the next start)')
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`${e.code}: ${errorMessage(e.code, 'en')} / ${errorMessage(e.code, 'ru')}`)
      process.exit(1)
    }
    if (e instanceof ServerSilent || e instanceof DataDirLocked) {
      console.error(`${e.message}\nNothing was changed.`)
      process.exit(1)
    }
    throw e
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()

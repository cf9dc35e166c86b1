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
 * answers, the CLI opens the database itself; a suspension then takes effect in Kamailio at the next
 * start (the server writes every tenant's line bans when Kamailio has started).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { type TenantCommandAnswer, TenantCommandSchema } from '../contract/admin.ts'
import { type ErrorCode, errorMessage } from '../contract/errors.ts'
import { loadConfig } from './config.ts'
import { openDatabase, SECRETS_FILE } from './db/index.ts'
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

/** The running server's internal URL and secret, or null when none answers. */
async function runningServer(dataDir: string, port: number): Promise<{ url: string; secret: string } | null> {
  let secret: string
  try {
    secret = (
      JSON.parse(fs.readFileSync(path.join(dataDir, SECRETS_FILE), 'utf8')) as { internalSecret: string }
    ).internalSecret
  } catch {
    return null
  }
  let url = `http://127.0.0.1:${port}`
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as { internalUrl?: string }
    if (s.internalUrl) url = s.internalUrl
  } catch {}
  // Only loopback: a URL elsewhere (an edited server.json) is refused, not asked.
  if (!LOOPBACK_HOSTS.has(new URL(url).hostname))
    throw new Error(`${SERVER_FILE}: ${url} is not a loopback URL`)
  try {
    const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
    return r.ok ? { url, secret } : null
  } catch {
    return null
  }
}

/** Runs one command through the running server, or on the database when none runs. */
export async function runCommand(
  cmd: Command,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ via: 'server' | 'database'; answer: TenantCommandAnswer }> {
  const config = loadConfig(env)
  const server = await runningServer(config.dataDir, config.port)
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

/** What the operator reads. */
export function describeAnswer(cmd: Command, a: TenantCommandAnswer): string {
  const t = a.tenant
  switch (cmd.command) {
    case 'create':
      return [
        `created ${t?.name} (${t?.slug}), SIP domain ${t?.sipDomain}, ${t?.seats} seats`,
        `admin login:    ${a.admin?.login}`,
        `admin password: ${a.admin?.password}   (shown once, one-time: give it to the admin; at first sign-in they choose their own)`,
      ].join('\n')
    case 'list':
      return (a.tenants ?? [])
        .map(
          (x) =>
            `${x.slug.padEnd(20)} ${x.suspended ? 'SUSPENDED' : 'active   '} ${String(x.employees).padStart(4)}/${String(x.seats).padEnd(5)} ${x.name}`,
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
    throw e
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()

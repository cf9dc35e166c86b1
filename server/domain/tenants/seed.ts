/** Seeds the demo tenant once (SEED_DEMO=1) and writes DATA_DIR/demo-logins.json for the start script. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import { type Db, getSetting, type Queryable, schema } from '../../db/index.ts'
import { hashPassword, verifyPassword } from '../auth/index.ts'
import { addEmployee } from '../employees/index.ts'
import { createCompanyIn } from './companies.ts'
import {
  DEMO_ACCOUNTS,
  DEMO_CHANNELS,
  DEMO_CLIENTS,
  DEMO_EMAIL_ADDRESS,
  DEMO_NO_ACCEPT_BUTTON,
  DEMO_NUMBERS,
  DEMO_TEMPLATES,
} from './demo-data.ts'
import { createGroup, tenantBySlug } from './tenants.ts'

const { channels, contacts, employees, groups, settings, templates, virtualNumbers } = schema

export const DEMO_LOGINS_FILE = 'demo-logins.json'
const LEGACY_PASSWORD_KEY = 'demo_password'

export interface DemoLogins {
  url: string
  password: string
  accounts: { login: string; role: string; name: string; extension: string }[]
  /** The demo tenant's e-mail address (mail to it over SMTP lands in Requests). */
  email?: string
  /** host:port of the inbound SMTP server, when it listens. */
  smtp?: string
}

/** The password demo-logins.json holds, or null. */
function filePassword(dataDir: string | undefined): string | null {
  if (!dataDir) return null
  try {
    const body = JSON.parse(
      fs.readFileSync(path.join(dataDir, DEMO_LOGINS_FILE), 'utf8'),
    ) as Partial<DemoLogins>
    return typeof body.password === 'string' && body.password ? body.password : null
  } catch {
    return null
  }
}

/**
 * Creates the demo tenant unless it exists (all in one transaction, so a crash leaves nothing half
 * made). The password is DEMO_PASSWORD, else the one in DATA_DIR/demo-logins.json, else a new one
 * (written to that file before any account uses it). It is never stored in the database, only its
 * hashes (issue 6 item 6): when the demo accounts' hash does not match it, they are re-hashed.
 */
export async function seedDemo(
  db: Db,
  opts: { password: string | null; dataDir?: string },
): Promise<{ created: boolean; password: string }> {
  // Installs before issue 6 kept the generated password in settings: take it over, then delete it.
  const legacy = await getSetting(db.orm, LEGACY_PASSWORD_KEY)
  const known = filePassword(opts.dataDir) ?? legacy
  const password = opts.password ?? known ?? crypto.randomBytes(9).toString('base64url')
  if (opts.dataDir && password !== filePassword(opts.dataDir)) writeDemoLogins(opts.dataDir, '', password)
  if (legacy !== null) await db.orm.delete(settings).where(eq(settings.key, LEGACY_PASSWORD_KEY))
  const existing = await tenantBySlug(db.orm, 'demo')
  if (existing) {
    const demo = and(
      eq(employees.tenantId, existing.id),
      inArray(
        employees.login,
        DEMO_ACCOUNTS.map((a) => a.login),
      ),
    )
    const [one] = await db.orm.select({ hash: employees.passwordHash }).from(employees).where(demo).limit(1)
    if (one && !(await verifyPassword(password, one.hash))) {
      const hash = await hashPassword(password)
      await db.orm.update(employees).set({ passwordHash: hash }).where(demo)
    }
    // A demo made before the inbox (issue 7) gets its chat settings once.
    const [webchat] = await db.orm
      .select({ config: channels.config })
      .from(channels)
      .where(and(eq(channels.tenantId, existing.id), eq(channels.kind, 'webchat')))
    if (webchat && !('groupIds' in webchat.config)) await seedDemoChats(db.orm, existing.id)
    // A demo made before the e-mail channel (issue 8 §1) gets its address once.
    await db.orm
      .update(channels)
      .set({ address: DEMO_EMAIL_ADDRESS })
      .where(and(eq(channels.tenantId, existing.id), eq(channels.kind, 'email'), isNull(channels.address)))
    return { created: false, password }
  }
  await db.orm.transaction(async (tx) => {
    // The same code as `npm run tenant -- create` (issue 13), with the demo's known password.
    const [first, ...rest] = DEMO_ACCOUNTS
    if (!first) throw new Error('no demo accounts')
    const made = await createCompanyIn(tx, {
      name: 'Demo',
      slug: 'demo',
      seats: 10,
      adminLogin: first.login,
      adminName: first.name,
      adminPassword: password,
      adminExtension: first.extension,
      features: { softphone: true, omni: true },
    })
    const tenantId = made.tenant.id
    const ids = new Map<string, string>([[first.login, made.adminId]])
    for (const a of rest) {
      const e = await addEmployee(
        tx,
        tenantId,
        null,
        {
          name: a.name,
          login: a.login,
          role: a.role,
          extension: a.extension,
          mobile: a.mobile ?? null,
          acceptButton: true,
        },
        password,
      )
      ids.set(a.login, e.employee.id)
    }
    for (const a of DEMO_ACCOUNTS)
      await tx
        .update(employees)
        .set({ mobile: a.mobile ?? null, email: a.email ?? null })
        .where(and(eq(employees.tenantId, tenantId), eq(employees.login, a.login)))
    const ops = (n: number[]) => n.map((i) => ids.get(`op${i}@demo`)!)
    const groupIds = new Map<string, string>([
      [
        'Sales',
        await createGroup(tx, tenantId, {
          name: 'Sales',
          extension: '200',
          strategy: 'parallel',
          memberIds: ops([1, 2, 3]),
        }),
      ],
      [
        'Support',
        await createGroup(tx, tenantId, {
          name: 'Support',
          extension: '201',
          strategy: 'round_robin',
          memberIds: ops([4, 5, 6]),
        }),
      ],
    ])
    await tx.insert(contacts).values(
      DEMO_CLIENTS.map((c) => ({
        tenantId,
        name: c.name,
        phones: c.phones,
        emails: c.emails,
        telegram: c.telegram,
        channels: [
          ...c.phones.slice(0, 1).flatMap((p) => [
            { kind: 'sms', address: p },
            { kind: 'whatsapp', address: p },
          ]),
          ...c.emails.map((e) => ({ kind: 'email', address: e })),
          ...(c.telegram ? [{ kind: 'telegram', address: `@${c.telegram}` }] : []),
        ],
        groupId: c.group ? (groupIds.get(c.group) ?? null) : null,
        managerId: c.manager ? (ids.get(c.manager) ?? null) : null,
      })),
    )
    await tx.insert(channels).values(DEMO_CHANNELS.map((c) => ({ tenantId, ...c })))
    await seedDemoChats(tx, tenantId)
    await tx.insert(templates).values(DEMO_TEMPLATES.map((t) => ({ tenantId, ownerId: null, ...t })))
    await tx.insert(virtualNumbers).values(
      DEMO_NUMBERS.map((n) => ({
        tenantId,
        number: n.number,
        name: n.name,
        source: n.source,
        groupId: groupIds.get(n.group) ?? null,
      })),
    )
  })
  return { created: true, password }
}

/**
 * The demo's inbox settings: website chat's distribution is both demo groups (T2), and one operator
 * (DEMO_NO_ACCEPT_BUTTON) has the Accept button off, so opening a New chat takes it (T3).
 */
async function seedDemoChats(q: Queryable, tenantId: string): Promise<void> {
  const gs = await q.select({ id: groups.id }).from(groups).where(eq(groups.tenantId, tenantId))
  const [webchat] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.kind, 'webchat')))
  if (webchat)
    await q
      .update(channels)
      .set({ config: { ...webchat.config, groupIds: gs.map((g) => g.id) } })
      .where(eq(channels.id, webchat.id))
  await q
    .update(employees)
    .set({ acceptButton: false })
    .where(and(eq(employees.tenantId, tenantId), eq(employees.login, DEMO_NO_ACCEPT_BUTTON)))
}

/** Writes demo-logins.json (mode 0600: it holds a password). */
export function writeDemoLogins(
  dataDir: string,
  url: string,
  password: string,
  /** Where the inbound SMTP server listens (host:port), when it does (issue 8 §1). */
  extra: { smtp?: string } = {},
): string {
  const file = path.join(dataDir, DEMO_LOGINS_FILE)
  const body: DemoLogins = {
    url,
    password,
    accounts: DEMO_ACCOUNTS.map(({ login, role, name, extension }) => ({ login, role, name, extension })),
    email: DEMO_EMAIL_ADDRESS,
    ...extra,
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  // Written aside and renamed: `npm start` and the e2e fixtures read it while the server starts, and
  // must never see it half written (an empty file was read under load).
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, file)
  return file
}

/**
 * The administration (issue 13): the audit log, employees and seats, one's own password, tenants
 * (the platform's CLI). Request schemas are valibot (the server validates with them); answers are
 * plain types.
 */
import * as v from 'valibot'
import type { Role } from './api.ts'
import { isRealTimestamp, oneLineName, text } from './text.ts'

// ---- Audit log ----------------------------------------------------------------------------------

/** What an audit entry is about (the admin area's sections write their own). */
export type AuditEntity =
  | 'tenant'
  | 'employee'
  | 'group'
  | 'virtual_number'
  | 'statuses'
  | 'settings'
  | 'channel'
  | 'template'
  | 'crm'
  | 'contacts'
  | 'sip_gateway'
  | (string & {})

/** One admin change: who, what, before and after (never a password or its hash). */
export interface AuditEntryView {
  id: string
  /** Null for the platform's own tools (the tenant CLI). */
  actorId: string | null
  actorName: string
  action: string
  entity: AuditEntity
  entityId: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  at: string
}

/** An ISO date-time of a real day within 1970–9999 (probe 13 #2: never a 500 from PostgreSQL). */
const instant = v.pipe(
  text,
  v.isoTimestamp(),
  v.check(isRealTimestamp, 'a real date and time within 1970–9999'),
)
const uuid = v.pipe(text, v.uuid())

/** GET /api/admin/audit: newest first, 50 a page; `before` = the last row's `at|id`. */
export const AuditQuerySchema = v.strictObject({
  entity: v.optional(v.pipe(text, v.regex(/^[a-z_]{1,32}$/))),
  action: v.optional(v.pipe(text, v.regex(/^[a-z_.]{1,48}$/))),
  actorId: v.optional(v.pipe(text, v.uuid())),
  entityId: v.optional(v.pipe(text, v.maxLength(64))),
  /** ISO date-times bounding the period (from inclusive, to exclusive). */
  from: v.optional(instant),
  to: v.optional(instant),
  /** Probe 13 #2: both parts checked here, so a bad cursor is a 400, never a failed ::uuid cast. */
  before: v.optional(
    v.pipe(
      text,
      v.maxLength(80),
      v.check((s) => {
        const [at = '', id = '', ...rest] = s.split('|')
        return rest.length === 0 && isRealTimestamp(at) && v.is(uuid, id)
      }, 'before: `<ISO date-time>|<uuid>`, the `next` of the previous page'),
    ),
  ),
  limit: v.optional(
    v.pipe(text, v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
    '50',
  ),
})
export type AuditQuery = v.InferOutput<typeof AuditQuerySchema>

export interface AuditPage {
  entries: AuditEntryView[]
  /** The cursor of the next page, or null at the end. */
  next: string | null
}

// ---- Employees ----------------------------------------------------------------------------------

/**
 * Logins are e-mail-like names, stored lower-case (`op1@demo`). The server binds the part after `@`
 * to the tenant's slug: without `@` it appends `@<slug>`, another suffix is E_LOGIN_DOMAIN.
 */
export const loginField = v.pipe(
  text,
  v.trim(),
  v.toLowerCase(),
  v.regex(/^[a-z0-9][a-z0-9._@+-]{1,63}$/, 'letters, digits and . _ @ + - (2–64)'),
)
/** Internal numbers: 2–6 digits. */
export const extensionField = v.pipe(text, v.trim(), v.regex(/^\d{2,6}$/, '2–6 digits'))
/** Probe 13 #11: shown to colleagues, in the audit and as a SIP display name — one line, no controls. */
const nameField = v.pipe(text, v.transform(oneLineName), v.minLength(1), v.maxLength(100))
/**
 * "To mobile": a phone number as people write it ("+7 916 123-45-67", "8 916 123 45 67"); the server
 * reads it with libphonenumber-js (the tenant's country for numbers without +) and stores E.164, or
 * answers E_VALIDATION `mobile: …` (probe 13 UI #2). Empty clears it.
 */
const mobileField = v.nullable(
  v.pipe(
    text,
    v.trim(),
    v.maxLength(40, 'a mobile number such as +7 916 123-45-67'),
    v.transform((s) => (s === '' ? null : s)),
  ),
)
const roleField = v.picklist(['operator', 'supervisor', 'admin'])

/** POST /api/admin/employees. The password is made by the server and answered once. */
export const CreateEmployeeSchema = v.strictObject({
  name: nameField,
  login: loginField,
  role: roleField,
  /** Absent: the next free number is taken (GET /api/admin/employees/next-extension offers it). */
  extension: v.optional(extensionField),
  mobile: v.optional(mobileField, null),
  acceptButton: v.optional(v.boolean(), true),
})
export type CreateEmployeeBody = v.InferOutput<typeof CreateEmployeeSchema>

/** PATCH /api/admin/employees/:id: any of these (T3's Accept button included). */
export const EditEmployeeSchema = v.strictObject({
  name: v.optional(nameField),
  role: v.optional(roleField),
  extension: v.optional(extensionField),
  mobile: v.optional(mobileField),
  acceptButton: v.optional(v.boolean()),
})
export type EditEmployeeBody = v.InferOutput<typeof EditEmployeeSchema>

/** An employee as the admin area lists him. */
export interface EmployeeAdminView {
  id: string
  name: string
  login: string
  role: Role
  extension: string
  mobile: string | null
  acceptButton: boolean
  active: boolean
  deactivatedAt: string | null
  createdAt: string
}

export interface EmployeesAdminResponse {
  employees: EmployeeAdminView[]
  /** The plan's number of accounts and how many active accounts hold one. */
  seats: { total: number; used: number }
  /** The extension a new employee would get. */
  nextExtension: string
  /** The tenant's slug: every login of the tenant ends with `@<loginDomain>` (probe 10 #7). */
  loginDomain: string
}

/** An answer that carries a new password: shown once, never stored in clear. */
export interface EmployeePasswordResponse {
  employee: EmployeeAdminView
  password: string
}

// ---- Own password -------------------------------------------------------------------------------

/** PUT /api/me/password (SPEC A1: the employee's own password). */
export const ChangePasswordSchema = v.pipe(
  v.strictObject({
    current: v.pipe(text, v.minLength(1), v.maxLength(256)),
    next: v.pipe(text, v.minLength(8, 'at least 8 characters'), v.maxLength(256)),
    /** End every other session of mine (the one changing it stays). */
    signOutOthers: v.optional(v.boolean(), false),
  }),
  // Probe 13 #15: a "change" to the same password only made the server hash (a flood of them slowed
  // every company's sign-in).
  v.forward(
    v.check((i) => i.next !== i.current, 'the same as the current password'),
    ['next'],
  ),
)

export interface ChangePasswordResponse {
  /** How many other sessions were ended. */
  endedSessions: number
}

// ---- Tenants (the platform's CLI, through the internal route) -------------------------------------

/**
 * Names a company may not take as its slug (its SIP domain `<slug>.<domain>` and its logins' suffix):
 * the platform's own and the service names a domain reader trusts (probe 13 #12).
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'frontline',
  'ftp',
  'gateway',
  'internal',
  'localhost',
  'mail',
  'pbx',
  'root',
  'sip',
  'smtp',
  'support',
  'system',
  'www',
])

/**
 * A DNS label (RFC 1035 §2.3.1): a letter first, letters, digits and single inner hyphens, 2–31
 * characters; never `--` at positions 3–4 (IDNA's `xn--` punycode, RFC 5891 §4.2.3.1, would spoof a
 * name in another script), never a reserved name.
 */
export const slugField = v.pipe(
  text,
  v.trim(),
  v.toLowerCase(),
  v.regex(
    /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,30}$/,
    'slug: a letter, then letters, digits and single inner hyphens (2–31)',
  ),
  v.check((s) => s.slice(2, 4) !== '--', 'slug: no "--" at positions 3–4 (reserved for punycode)'),
  v.check((s) => !RESERVED_SLUGS.has(s), 'slug: this name is reserved'),
)

/** A company's slug as a command names it: the rule before probe 13 #12, so an older slug stays reachable. */
const existingSlug = v.pipe(text, v.trim(), v.toLowerCase(), v.regex(/^[a-z][a-z0-9-]{1,30}$/))

export const CreateTenantSchema = v.strictObject({
  name: nameField,
  slug: slugField,
  seats: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
  adminLogin: loginField,
  adminName: v.optional(nameField),
})
export type CreateTenantBody = v.InferOutput<typeof CreateTenantSchema>

export const TenantCommandSchema = v.variant('command', [
  v.strictObject({ command: v.literal('create'), tenant: CreateTenantSchema }),
  v.strictObject({ command: v.literal('list') }),
  v.strictObject({ command: v.literal('suspend'), slug: existingSlug }),
  v.strictObject({ command: v.literal('reactivate'), slug: existingSlug }),
])

export interface TenantView {
  id: string
  name: string
  slug: string
  sipDomain: string
  seats: number
  employees: number
  suspended: boolean
  createdAt: string
}

/** POST /internal/tenants: what each command answers. */
export interface TenantCommandAnswer {
  tenants?: TenantView[]
  tenant?: TenantView
  /** create: the first admin's login and one-time password. */
  admin?: { login: string; password: string }
  /** suspend: how many sessions and lines were cut. */
  cut?: { sessions: number; lines: number }
}

/**
 * REST bodies shared by src/ and server/. Requests are valibot schemas (the server validates with
 * them; unknown fields are refused by strictObject); responses are plain types.
 */
import * as v from 'valibot'
import type { Presence, PresenceState } from './presence.ts'
import type { StatusMatrix } from './status.ts'
import { text } from './text.ts'

export const LoginBody = v.strictObject({
  login: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(64)),
  password: v.pipe(text, v.minLength(1), v.maxLength(256)),
})
export type LoginBody = v.InferOutput<typeof LoginBody>

export const SetStatusBody = v.strictObject({
  status: v.pipe(text, v.minLength(1), v.maxLength(32)),
})
export type SetStatusBody = v.InferOutput<typeof SetStatusBody>

export const ClientSearchQuery = v.strictObject({
  q: v.optional(v.pipe(text, v.trim(), v.maxLength(100)), ''),
  limit: v.optional(
    v.pipe(text, v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
    '50',
  ),
})

export const IdParam = v.strictObject({ id: v.pipe(text, v.uuid()) })

export type Role = 'operator' | 'supervisor' | 'admin'

/** Ephemeral SIP settings (Kamailio auth_ephemeral); null when the tenant has no PBX line. */
export interface SipSettings {
  wsUrl: string
  aor: string
  domain: string
  username: string
  password: string
  expiresAt: string
}

export interface Me {
  id: string
  tenantId: string
  tenantName: string
  login: string
  name: string
  role: Role
  extension: string
  status: string
  features: { softphone: boolean; omni: boolean }
  /** SPEC K3: the tenant's clients come from its CRM — the book is read-only in the app (absent: false). */
  contactsReadOnly?: boolean
  /** S3: a supervisor forced the current status: who and when; absent/null when the employee chose it. */
  statusSetBy?: { name: string; at: string } | null
  /**
   * Probe 13 #13: signed in with a password the admin (or the tenant CLI) issued: he must choose his
   * own (PUT /api/me/password) before anything else; until then every other route answers
   * E_PASSWORD_CHANGE_REQUIRED and no SIP line is given. Absent: false.
   */
  mustChangePassword?: boolean
}

export interface LoginResponse {
  token: string
  me: Me
  sip: SipSettings | null
}

export interface SessionInfo {
  id: string
  createdAt: string
  lastSeenAt: string
  userAgent: string
  current: boolean
}

export interface EmployeeView {
  id: string
  name: string
  login: string
  role: Role
  extension: string
  mobile: string | null
  email: string | null
  status: string
  online: boolean
  /** S1: what routing knows now — the one rule of contract/presence.ts (live: re-read on presence events). */
  presence: { state: PresenceState; labelKey: Presence['labelKey'] }
}

export interface GroupView {
  id: string
  name: string
  extension: string
  strategy: 'parallel' | 'sequential' | 'round_robin' | 'longest_idle'
  memberIds: string[]
  /** Members who may be called now (presence rule: status, reachable line or mobile, not on a call). */
  available: number
  total: number
}

export interface ClientChannel {
  kind: string
  address: string
}

export interface ClientView {
  id: string
  name: string
  phones: string[]
  emails: string[]
  channels: ClientChannel[]
  groupId: string | null
  groupName: string | null
  managerId: string | null
  managerName: string | null
}

export interface StatusesResponse {
  matrix: StatusMatrix
}

export interface HealthResponse {
  ok: true
  db: 'pglite' | 'postgres'
  /** starting: the server is up and Kamailio is being started (a few seconds after a start). */
  sip: 'running' | 'starting' | 'unavailable'
  version: string
}

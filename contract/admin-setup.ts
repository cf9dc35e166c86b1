/**
 * What the admin's Groups, Virtual numbers and CRM card screens send and get (issue 13 §2; SPEC C1,
 * C3, T13). The status matrix keeps its own schema (contract/status.ts, PUT /api/statuses).
 */
import * as v from 'valibot'
import { text } from './text.ts'

export const GROUP_STRATEGIES = ['parallel', 'sequential', 'round_robin', 'longest_idle'] as const
export type GroupStrategyName = (typeof GROUP_STRATEGIES)[number]

/** An internal number: 2–6 digits (employees, groups and virtual numbers share one space). */
export const Extension = v.pipe(text, v.trim(), v.regex(/^[0-9]{2,6}$/, 'extension: 2 to 6 digits'))
const Uuid = v.pipe(text, v.uuid())
const Name = v.pipe(text, v.trim(), v.minLength(1), v.maxLength(60))

export const GroupInputSchema = v.strictObject({
  name: Name,
  extension: Extension,
  strategy: v.picklist(GROUP_STRATEGIES),
  /** How long each member (sequential, round robin, longest idle) or everyone (parallel) rings. */
  ringTimeoutSec: v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(300)),
  /** A chat distribution target (T2) while on. */
  takesChats: v.boolean(),
  /** Members in ring order; no repeats. */
  memberIds: v.pipe(
    v.array(Uuid),
    v.maxLength(200),
    v.check((ids) => new Set(ids).size === ids.length, 'memberIds: no repeats'),
  ),
})
export type GroupInput = v.InferOutput<typeof GroupInputSchema>

export interface GroupAdminView extends GroupInput {
  id: string
}

export const NumberTargetSchema = v.strictObject({ kind: v.picklist(['group', 'employee']), id: Uuid })
export type NumberTarget = v.InferOutput<typeof NumberTargetSchema>

export const VirtualNumberInputSchema = v.strictObject({
  /** As typed; stored in E.164 (libphonenumber-js on the server). */
  number: v.pipe(text, v.trim(), v.minLength(3), v.maxLength(30)),
  name: v.pipe(text, v.trim(), v.maxLength(60)),
  /** Where the number is published ("website", "Yandex Direct"). */
  source: v.pipe(text, v.trim(), v.maxLength(60)),
  target: NumberTargetSchema,
})
export type VirtualNumberInput = v.InferOutput<typeof VirtualNumberInputSchema>

export interface VirtualNumberView {
  id: string
  number: string
  name: string
  source: string
  /** null: the number points nowhere (its group was removed before 0110's rules). */
  target: NumberTarget | null
}

/** The placeholders a CRM card URL may carry, filled when the operator opens a client's card. */
export const CRM_CARD_PLACEHOLDERS = ['phone', 'email', 'name', 'clientId', 'chatId'] as const

/**
 * Is this a CRM card URL template: an https URL once its `{placeholders}` are filled, naming only
 * known ones? Returns the reason it is not, or null.
 */
export function crmCardUrlProblem(template: string): string | null {
  const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '')
  const unknown = names.find((n) => !(CRM_CARD_PLACEHOLDERS as readonly string[]).includes(n))
  if (unknown !== undefined) return `unknown placeholder {${unknown}}`
  const filled = template.replace(/\{[^{}]*\}/g, 'x')
  if (/[{}\s]/.test(filled) || [...filled].some((c) => c.charCodeAt(0) < 0x20))
    return 'stray brace, space or control character'
  // https://host[:port][/path][?query][#fragment]; no credentials (no @ before the path).
  const m = /^https:\/\/([^/?#]*)([/?#].*)?$/i.exec(filled)
  if (!m) return /^[a-z][a-z0-9+.-]*:/i.test(filled) ? 'not https' : 'not a URL'
  const authority = m[1] ?? ''
  if (authority.includes('@')) return 'credentials in the URL'
  // The host is the admin's, never a client's value: no placeholder before the path.
  if (/^https:\/\/[^/?#]*\{/i.test(template)) return 'placeholder in the host'
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}(:[0-9]{1,5})?$/.test(authority))
    return 'not a host name'
  return null
}

export const CrmCardSchema = v.strictObject({
  name: Name,
  url: v.pipe(
    text,
    v.trim(),
    v.maxLength(2000),
    v.check((u) => crmCardUrlProblem(u) === null, 'url: an https URL with known {placeholders}'),
  ),
})
export const CrmCardsSchema = v.strictObject({ templates: v.pipe(v.array(CrmCardSchema), v.maxLength(10)) })
export type CrmCards = v.InferOutput<typeof CrmCardsSchema>

/** Fills a CRM card template for one client: each value URL-encoded. */
export function fillCrmCardUrl(
  template: string,
  values: Partial<Record<(typeof CRM_CARD_PLACEHOLDERS)[number], string>>,
): string {
  return template.replace(/\{([^{}]*)\}/g, (_m, k: string) =>
    encodeURIComponent((values as Record<string, string | undefined>)[k] ?? ''),
  )
}

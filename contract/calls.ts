/**
 * Calls (SPEC C1–C10): history, missed calls, recordings, transfer targets, guest credentials for
 * the demo site, and the loopback contract with Kamailio (pbx/README.md). Requests are valibot
 * schemas the server validates with; responses are plain types.
 */
import * as v from 'valibot'
import type { SipSettings } from './api.ts'
import { text } from './text.ts'

/** From the tenant's point of view: a client called us (in), we called out (out), colleague to colleague. */
export type CallDirection = 'in' | 'out' | 'internal'

/**
 * ringing → answered → ended
 *    └────→ failed (nobody answered, rejected, cancelled; `failureCode`/`failureReason` say why)
 */
export type CallState = 'ringing' | 'answered' | 'ended' | 'failed'

/** One call as the history and missed lists show it (C8, C9, C10). Times are ISO strings. */
export interface CallView {
  id: string
  /** The SIP Call-ID (C8 "call session ID", copyable). */
  sipCallId: string
  direction: CallDirection
  state: CallState
  /** Caller: a client's number (E.164 when known), an extension, or `guest-…` for the demo site. */
  fromNumber: string
  /** Dialled: extension, group extension, virtual number or external number. */
  toNumber: string
  /** The other party's number from the tenant's side — what "call back" dials (client for in/out). */
  peerNumber: string
  /**
   * The client's number was typed by a demo-site visitor, not known from the phone network: show it
   * as "given by the visitor"; it is never linked to a contact (issue 6 §4).
   */
  peerGiven: boolean
  /** The tenant's virtual number the client dialled (in) — null otherwise. */
  virtualNumber: string | null
  callerEmployeeId: string | null
  answeredById: string | null
  answeredByName: string | null
  groupId: string | null
  groupName: string | null
  /** The tenant's address-book client whose phone matches `peerNumber` (C8 link to the card). */
  contactId: string | null
  contactName: string | null
  /** This call is a transfer leg of another call (C5/C6); its id. */
  transferOfId: string | null
  startedAt: string
  answeredAt: string | null
  endedAt: string | null
  /** Talk time in seconds (answered → ended); null until it ended or when never answered. */
  durationSec: number | null
  /** SIP final response of a failed call, e.g. 486 "Busy Here" (RFC 3261 §21). */
  failureCode: number | null
  failureReason: string | null
  missed: boolean
  handledById: string | null
  handledByName: string | null
  handledAt: string | null
  /** How a missed call was handled: marked by an operator, or a successful call back (C9). */
  handledHow: 'mark' | 'callback' | null
  hasRecording: boolean
  /** A website visitor's call-back request (C9, issue 11 §5): nobody could answer, he left `peerNumber`. */
  callbackRequest?: boolean
  /** The name he gave with it (untrusted text). */
  callbackName?: string | null
  /** The website visitor behind the call-back request (the inbox's visitor identity). */
  visitorId?: string | null
  /** C1: what the virtual number dialled is for — "Sales", "website" (admin's names; '' when unnamed). */
  virtualNumberName?: string | null
  virtualNumberSource?: string | null
  /** C1/C5/C6: on a transfer leg, the colleague who handed the call over ("transferred by Anna"). */
  transferredById?: string | null
  transferredByName?: string | null
  /** C10: the employees who declined this call when it rang them — it is one of their "My calls". */
  declinedIds?: string[]
  /**
   * Probe 12 #12: the colleagues this call rang who never got it — a transfer leg's targets, or those
   * a colleague's call rang — it is one of their "My calls" ("Missed transfer from Anna").
   */
  missedByIds?: string[]
  /** Probe 12 #15 (C1): a consultation — the client's call its caller is consulting about. */
  consultAbout?: ConsultAbout | null
}

/** The client's call a consultation is about: what the colleague's incoming screen says (C1). */
export interface ConsultAbout {
  callId: string
  /** The client's number (as the history keeps it). */
  number: string
  contactName: string | null
  /** The line the client called: "Sales", "website" ('' / null when unnamed). */
  virtualNumber: string | null
  virtualNumberName: string | null
  virtualNumberSource: string | null
}

/** GET /api/calls/:id — the details screen. `recordingUrl` needs the Bearer token (fetch, then blob). */
export interface CallDetails extends CallView {
  recordingUrl: string | null
  recordingType: 'audio/webm' | 'audio/ogg' | null
}

/** GET /api/calls and GET /api/calls/missed: newest first; pass `nextBefore` as `before` for more. */
export interface CallPage {
  items: CallView[]
  nextBefore: string | null
}

/** GET /api/calls?scope=mine|all&q=&before=&limit= (C8, C10). `q`: number digits or contact name. */
export const CallListQuery = v.strictObject({
  scope: v.optional(v.picklist(['mine', 'all']), 'mine'),
  q: v.optional(v.pipe(text, v.trim(), v.maxLength(100)), ''),
  before: v.optional(v.pipe(text, v.regex(/^[A-Za-z0-9_-]{1,120}$/))),
  limit: v.optional(
    v.pipe(text, v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
    '50',
  ),
})
export type CallListQuery = v.InferOutput<typeof CallListQuery>

/** GET /api/calls/missed?before=&limit= */
export const MissedListQuery = v.strictObject({
  before: v.optional(v.pipe(text, v.regex(/^[A-Za-z0-9_-]{1,120}$/))),
  limit: v.optional(
    v.pipe(text, v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)),
    '100',
  ),
})
export type MissedListQuery = v.InferOutput<typeof MissedListQuery>

/** PUT /api/calls/recording/:sipCallId — body: the raw audio (audio/webm or audio/ogg, ≤ 50 MB). */
export const RecordingParam = v.strictObject({
  sipCallId: v.pipe(text, v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/)),
})
export const RECORDING_MAX_BYTES = 50 * 1024 * 1024
export const RECORDING_TYPES = ['audio/webm', 'audio/ogg'] as const
export type RecordingType = (typeof RECORDING_TYPES)[number]

/** Answer of the recording upload; the same on a retry of the same bytes (idempotent). */
export interface RecordingUploaded {
  sipCallId: string
  callId: string
  sha256: string
  size: number
  type: RecordingType
}

/** POST /api/calls/missed/:id/handle → the call, now handled (idempotent: a second mark keeps the first). */
export type HandleMissedResponse = CallView

/** GET /api/calls/transfer-targets (C5, C7): everyone is shown; `selectable: false` says why not. */
export type TransferBlockReason = 'busy' | 'status' | 'offline' | 'no_available_member'
export type TransferTargetView =
  | {
      kind: 'employee'
      id: string
      name: string
      extension: string
      status: string
      selectable: boolean
      reason: TransferBlockReason | null
    }
  | {
      kind: 'group'
      id: string
      name: string
      extension: string
      selectable: boolean
      reason: TransferBlockReason | null
      available: number
      total: number
    }

/** POST /api/site/call-credentials (no session, rate limited): a guest line for the demo site. */
export const SiteCallCredentialsBody = v.strictObject({
  tenant: v.pipe(text, v.trim(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  /** The website visitor token the chat widget keeps (issue 7 §2): the line is noted as his. */
  visitorToken: v.optional(v.pipe(text, v.maxLength(400))),
})
export type SiteCallCredentialsBody = v.InferOutput<typeof SiteCallCredentialsBody>

export interface SiteVirtualNumber {
  number: string
  /** The group that answers it, e.g. "Sales". */
  label: string
}

/** A one-off guest (`guest-…`) that may dial only these numbers. */
/** What the site shows before anyone calls: the company's name and the numbers a visitor may dial. */
export interface SiteNumbers {
  tenantName: string
  numbers: SiteVirtualNumber[]
}

/** POST /api/site/numbers: only the tenant (no line is issued, so no address limit is spent). */
export const SiteNumbersBody = v.strictObject({
  tenant: v.pipe(text, v.trim(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
})
export type SiteNumbersBody = v.InferOutput<typeof SiteNumbersBody>

export interface SiteCallCredentials extends SiteNumbers {
  sip: SipSettings
}

// ——— Kamailio → server (loopback, x-internal-secret); see pbx/README.md ———

const sipUri = v.pipe(text, v.maxLength(512), v.regex(/^sips?:[^\s]+$/i))
const shortText = v.pipe(text, v.maxLength(256))
/** The caller's display name is theirs to choose: a long one is cut to 256 characters, never refused. */
const displayName = v.pipe(
  text,
  v.maxLength(16384),
  v.transform((s) => Array.from(s).slice(0, 256).join('')),
)

/** POST /internal/sip/route: a new INVITE (or, with `attempt`, the failure_route asking for the next set). */
export const SipRouteBody = v.object({
  callId: v.pipe(text, v.minLength(1), v.maxLength(255)),
  from: sipUri,
  fromName: v.optional(displayName, ''),
  to: sipUri,
  ruri: sipUri,
  domain: v.pipe(text, v.minLength(1), v.maxLength(255), v.regex(/^[A-Za-z0-9.-]+$/)),
  source: v.optional(shortText, ''),
  /** Referred-By of a transferee's INVITE (RFC 3515 §2.4.6, RFC 3892). */
  referredBy: v.optional(v.pipe(text, v.maxLength(512)), ''),
  /** Replaces header of an attended-transfer INVITE (RFC 3891). */
  replaces: v.optional(v.pipe(text, v.maxLength(512)), ''),
  /** Kamailio's connection the INVITE came on (`c<conid>`): a transfer grant holds only on its own. */
  conn: v.optional(v.pipe(text, v.regex(/^(c\d{1,12})?$/)), ''),
  /** failure_route: the number of the target set that just failed (1 = the first). */
  attempt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  /** failure_route: the final code of that set (408 = ring timeout). */
  lastCode: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(699))),
})
export type SipRouteBody = v.InferOutput<typeof SipRouteBody>

/**
 * The answer to Kamailio. `relay`: ring `targets` (AORs, looked up in usrloc) for `timeoutSec`
 * (0 = tm's default), `next: true` when the failure_route should ask again; `dial` is put into an
 * `X-Frontline-Dial` header for the gateway (numbers the phone network should ring). `direct`: relay
 * the R-URI as it is (an attended-transfer INVITE to a contact, RFC 3891). `reject`: reply as is.
 * `wake` / `wakeSec`: see pbx/README.md "Waking a closed app".
 */
export type SipRouteAnswer =
  | {
      action: 'relay'
      targets: string[]
      timeoutSec: number
      next: boolean
      dial: string
      /**
       * N1 §3 (RFC 8599 pattern): AORs whose app is closed and was just sent a call push (not in
       * `targets`, which may then be empty); Kamailio parks the INVITE (no target has a contact) or
       * stores it for them (others ring) until they register, for at most `wakeSec`.
       */
      wake?: string[]
      wakeSec?: number
    }
  | { action: 'direct' }
  | { action: 'reject'; code: number; reason: string }

/** POST /internal/sip/dialog (pbx/README.md). */
export const SipDialogBody = v.object({
  event: v.picklist(['start', 'answer', 'end', 'failed']),
  callId: v.pipe(text, v.minLength(1), v.maxLength(255)),
  from: v.optional(v.pipe(text, v.maxLength(512)), ''),
  to: v.optional(v.pipe(text, v.maxLength(512)), ''),
  answeredBy: v.optional(v.pipe(text, v.maxLength(512)), ''),
  code: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(699))),
  reason: v.optional(shortText, ''),
  ts: v.pipe(v.number(), v.integer(), v.minValue(0)),
})
export type SipDialogBody = v.InferOutput<typeof SipDialogBody>

/** POST /internal/sip/registration: after every REGISTER, the AOR's contacts as usrloc keeps them. */
export const SipRegistrationBody = v.object({
  aor: sipUri,
  /** Contacts left for this AOR (0 = unregistered). */
  contacts: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)),
  /** Seconds until the last of them expires. */
  expires: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 3600)),
})
export type SipRegistrationBody = v.InferOutput<typeof SipRegistrationBody>

// ——— Admin: the demo "phone network" account (pbx/README.md "Guests and the gateway") ———

/**
 * POST /api/admin/sip/gateway-credentials (admin only): a SIP line for the tenant's `gateway` account,
 * the demo phone network that rings operators' mobiles (S1 Away) and external numbers (C3, C5). No
 * options yet; the body is `{}` (or absent).
 */
export const GatewayCredentialsBody = v.strictObject({})
export type GatewayCredentialsBody = v.InferOutput<typeof GatewayCredentialsBody>
/** The answer: SIP settings for `sip:gateway@<tenant domain>`, valid for SIP_CREDENTIAL_TTL_S. */
export type GatewayCredentials = SipSettings

// ——— C5 blind transfer authorised on the server (issue 11 §1; pbx/README.md "Transfers") ———

/**
 * POST /internal/sip/refer: Kamailio reports a REFER inside a call it set up, before relaying it.
 * `side`: which side of the call sent it; `transferee`: Kamailio's connection of the other side
 * (`c<conid>`), the party referred; `dialogFrom`: the call's authenticated From (its tenant).
 */
export const SipReferBody = v.object({
  callId: v.pipe(text, v.minLength(1), v.maxLength(255)),
  dialogFrom: sipUri,
  referTo: v.pipe(text, v.minLength(1), v.maxLength(1024)),
  side: v.picklist(['caller', 'callee']),
  transferee: v.pipe(text, v.regex(/^c\d{1,12}$/)),
})
export type SipReferBody = v.InferOutput<typeof SipReferBody>
/** `accept`: relay the REFER (the leg is granted); `reject`: answer the REFER with this code. */
export type SipReferAnswer = { action: 'accept' } | { action: 'reject'; code: number; reason: string }

/** A tenant's call settings: how long a blind transfer may take before the app returns to the client. */
export const CallSettingsSchema = v.strictObject({
  transferTimeoutSec: v.pipe(v.number(), v.safeInteger(), v.minValue(2), v.maxValue(600)),
})
export type CallSettings = v.InferOutput<typeof CallSettingsSchema>

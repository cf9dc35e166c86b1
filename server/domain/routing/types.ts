/**
 * Inputs and outputs of call routing (SPEC S1, S5, C2, C3, C7). Pure data: the server builds a
 * `RoutingSnapshot` from the database and live registrations; Kamailio forks to the decision's targets.
 */
import type { StatusMatrix } from '../../../contract/status.ts'

export type GroupStrategy = 'parallel' | 'sequential' | 'round_robin' | 'longest_idle'

export interface RoutingEmployee {
  id: string
  extension: string
  /** The employee's own mobile number, as typed by the admin (normalised here). */
  mobile: string | null
  status: string
  /** A live SIP registration of the softphone exists. */
  registered: boolean
  /** In a call right now (C2: no call waiting). */
  inCall: boolean
  /** Being rung by another call right now (S1 presence "Ringing"; no second call meanwhile). */
  ringing?: boolean
  /** Epoch ms when their last call ended; null = never called (longest_idle rings them first). */
  lastCallEndedAt: number | null
  /** A device of theirs can be woken by a push for a call (N1 §3: a push subscription of the account). */
  wakeable?: boolean
}

export interface RoutingGroup {
  id: string
  extension: string
  strategy: GroupStrategy
  /** Order matters for sequential and round_robin. */
  memberIds: string[]
  ringTimeoutSec: number
  /** round_robin: the member offered first last time; null = start at the top. */
  rrCursor: string | null
}

/** A virtual number rings a group or one employee (issue 13 §2). */
export type VirtualNumber = { number: string } & ({ groupId: string } | { employeeId: string })

export interface RoutingSnapshot {
  matrix: StatusMatrix
  employees: RoutingEmployee[]
  groups: RoutingGroup[]
  virtualNumbers: VirtualNumber[]
  /** e.g. `sip:gw.example.net:5060` — mobile and external calls go to `sip:<number>@<that host>`. */
  gatewayUri: string
  /** The tenant's SIP domain: softphones are `sip:<extension>@<domain>`. */
  domain: string
  /** A call can leave for the phone network now (configured gateway, or the gateway account registered); absent = assume yes. */
  gatewayReachable?: boolean
}

export interface RouteRequest {
  /** Caller's user part (an extension when `fromIsEmployee`). */
  from: string
  fromIsEmployee: boolean
  /** Dialled user part: extension, group extension, virtual number or external number. */
  to: string
}

/** Where a fork branch goes: an employee's softphone or mobile, or (employee dialling out) the gateway. */
export type TargetVia = 'softphone' | 'mobile' | 'external'

export interface Target {
  uri: string
  /** null only for `external`. */
  employeeId: string | null
  via: TargetVia
  /** `mobile` and `external`: the number (E.164) the phone network is to dial. */
  number?: string
  /** A softphone with no live line whose app a push wakes (RFC 8599 pattern): it rings once it registers. */
  wake?: boolean
}

/** Targets rung together; the next set starts when this one times out (null = no own timeout). */
export interface TargetSet {
  targets: Target[]
  timeoutSec: number | null
}

export type RejectCode = 404 | 486 | 403 | 480

/** What was dialled, for the call record (C8: virtual number dialled; C9: missed call of a group). */
export type Dialled =
  | { kind: 'employee'; employeeId: string; virtualNumber?: string | null }
  | { kind: 'group'; groupId: string; virtualNumber: string | null }
  | { kind: 'external'; number: string }
  | { kind: 'unknown' }

export type RouteDecision =
  | {
      action: 'relay'
      dialled: Dialled
      sets: TargetSet[]
      /** round_robin only: persist as the group's new rrCursor. */
      rrCursor?: string | null
    }
  | { action: 'reject'; dialled: Dialled; code: RejectCode; reason: string }

/**
 * SPEC S1, C2, C7, K1: what a colleague can do right now — ONE rule, shared by call routing
 * (server/domain/routing/eligibility.ts), the address book, group counts and transfer pickers, and
 * the app. The chosen status says what the colleague allows (the matrix is data); whether a call
 * could reach them and whether they are busy is what routing knows. A logged-out, offline or
 * switched-away device has no live registration: such a colleague is not "available", whatever
 * their status says.
 *
 * ```
 *   on a call ──────────────────────────────▶ on_call      (no call waiting, C2)
 *   ringing ────────────────────────────────▶ ringing
 *   status allows no incoming call ─────────▶ unavailable  (label: the status's own name)
 *   a line or a mobile call reaches them ───▶ available    (label: the status's own name)
 *   status wants the app, no live line ─────▶ offline
 *   otherwise (mobile only, no way out) ────▶ unavailable  (label: the status's own name: they
 *                                                            chose it and their app may be open)
 * ```
 */
import type { StatusDef } from './status.ts'

export type PresenceState = 'on_call' | 'ringing' | 'available' | 'offline' | 'unavailable'

/** What routing knows about one colleague. */
export interface PresenceInput {
  /** Their status's row of the tenant's matrix; undefined (unknown status) allows nothing. */
  status: StatusDef | undefined
  /** Their softphone has a live SIP registration (a device with the app signed in to this account). */
  line: boolean
  /** A call to their mobile can be placed (a mobile number, and a way out to the phone network). */
  mobile: boolean
  /** In an answered call, or dialling out (C2). */
  onCall: boolean
  /** Being rung by a call right now. */
  ringing: boolean
}

export interface Presence {
  state: PresenceState
  /** A call may be offered to them now (routing, transfer pickers, group "available"). */
  mayCall: boolean
  /** Which branches a call to them forks to. */
  via: { softphone: boolean; mobile: boolean }
  /** A chat may be given to them now (chat distribution): status allows chats and the app is online. */
  mayChat: boolean
  /** i18n key of the label to show; null: show the status's own name (colour from the matrix). */
  labelKey: 'presence.on_call' | 'presence.ringing' | 'presence.offline' | null
}

/** The one presence rule (see the diagram above). */
export function presenceOf(p: PresenceInput): Presence {
  const allows = p.status?.allows
  const softphone = !!allows?.softphoneIn && p.line
  const mobile = !!allows?.mobileIn && p.mobile
  const mayChat = !!allows?.chats && p.line
  const none = { softphone: false, mobile: false }
  if (p.onCall) return { state: 'on_call', mayCall: false, via: none, mayChat, labelKey: 'presence.on_call' }
  if (p.ringing) return { state: 'ringing', mayCall: false, via: none, mayChat, labelKey: 'presence.ringing' }
  if (!allows?.softphoneIn && !allows?.mobileIn)
    return { state: 'unavailable', mayCall: false, via: none, mayChat, labelKey: null }
  if (softphone || mobile)
    return { state: 'available', mayCall: true, via: { softphone, mobile }, mayChat, labelKey: null }
  if (allows.softphoneIn && !p.line)
    return { state: 'offline', mayCall: false, via: none, mayChat, labelKey: 'presence.offline' }
  return { state: 'unavailable', mayCall: false, via: none, mayChat, labelKey: null }
}

/**
 * Kamailio's reports (pbx/README.md) read into the plain values the calls domain works with: SIP
 * URIs, `;alias=` contacts, Referred-By, Replaces, the `$fn` quoting and `$si:$sp` stay here.
 */
import type { SipDialogBody, SipReferBody, SipRouteBody } from '../../contract/calls.ts'
import type { DialogReport, LineAddress, ReferReport, RouteRequest } from '../domain/calls/index.ts'
import { parseSipUri, replacesCallId } from './uri.ts'

/** A SIP URI's user and domain; null when it is not a SIP URI. */
export function lineAddress(raw: string): LineAddress | null {
  const uri = parseSipUri(raw)
  return uri && { user: uri.user, domain: uri.host }
}

/** POST /internal/sip/route; null when the From or the R-URI is not a SIP URI. */
export function readRouteRequest(body: SipRouteBody): RouteRequest | null {
  const from = lineAddress(body.from)
  const ruri = parseSipUri(body.ruri)
  if (!from || !ruri) return null
  return {
    callId: body.callId,
    domain: body.domain,
    from,
    // The From display-name (RFC 3261 §20.20), quoted as Kamailio's $fn keeps it.
    fromName: body.fromName.replace(/^\s*"|"\s*$/g, ''),
    dialled: ruri.user,
    // A registered contact's R-URI carries the `alias` parameter (nathelper's add_contact_alias).
    toDevice: /;alias=/i.test(body.ruri),
    to: lineAddress(body.to),
    referredBy: body.referredBy ? lineAddress(body.referredBy) : null,
    replaces: body.replaces ? { callId: replacesCallId(body.replaces) } : undefined,
    sourceAddress: sourceAddress(body.source),
    conn: body.conn,
    attempt: body.attempt,
    lastCode: body.lastCode,
  }
}

/**
 * POST /internal/sip/refer. Refer-To is a name-addr or a bare URI (RFC 3515 §2.1); an embedded
 * Replaces header (`?Replaces=…`, RFC 3891 §7) makes it an attended transfer.
 */
export function readReferReport(body: SipReferBody): ReferReport | null {
  const caller = lineAddress(body.dialogFrom)
  if (!caller) return null
  const raw = body.referTo.trim()
  const uri = /<([^>]*)>/.exec(raw)?.[1] ?? raw.split(';')[0] ?? ''
  return {
    callId: body.callId,
    domain: caller.domain,
    target: lineAddress(uri),
    replaces: /[?&]replaces=/i.test(uri),
    side: body.side,
    transfereeConn: body.transferee,
  }
}

/** POST /internal/sip/dialog. */
export function readDialogReport(body: SipDialogBody): DialogReport {
  return {
    event: body.event,
    callId: body.callId,
    from: lineAddress(body.from),
    to: lineAddress(body.to),
    answeredBy: lineAddress(body.answeredBy),
    code: body.code,
  }
}

/** The address part of Kamailio's `$si:$sp` (IPv4 `a.b.c.d:port`, IPv6 `[…]:port` or bare `…:port`). */
export function sourceAddress(source: string): string {
  const s = source.trim()
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s)
  if (bracket?.[1]) return bracket[1]
  const i = s.lastIndexOf(':')
  return i > 0 && /^\d+$/.test(s.slice(i + 1)) ? s.slice(0, i) : s
}

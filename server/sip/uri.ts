/** The bits of SIP URIs the server needs (RFC 3261 §19.1.1); anything else is refused as malformed. */

export interface SipUriParts {
  user: string
  host: string
}

/** `sip:user@host;params` or `"Name" <sip:user@host>;tag=…` → { user, host } (lower-case host); null if not a SIP URI. */
export function parseSipUri(raw: string): SipUriParts | null {
  const inAngles = /<([^>]*)>/.exec(raw)
  const uri = (inAngles ? inAngles[1] : raw)?.trim() ?? ''
  const m = /^sips?:([^@;?>\s]+)@([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::\d{1,5})?(?:[;?].*)?$/i.exec(uri)
  if (!m?.[1] || !m[2]) return null
  let user: string
  try {
    user = decodeURIComponent(m[1])
  } catch {
    return null
  }
  return { user, host: m[2].toLowerCase() }
}

/** The Call-ID inside a Replaces header value (RFC 3891 §6.1): `callid;to-tag=…;from-tag=…`. */
export function replacesCallId(raw: string): string | null {
  const id = raw.split(';')[0]?.trim() ?? ''
  return id && /^[\x21-\x7e]{1,255}$/.test(id) ? id : null
}

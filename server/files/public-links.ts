/**
 * Signed public links to one chat file (issue 8: Viber takes media only by a public URL). A link is
 * `{PUBLIC_BASE_URL}/api/public-files/{token}/{name}`: the token names the tenant, the file and an
 * expiry, and carries an HMAC-SHA256 (128 bits kept) of them with a key derived from the server's internal secret
 * (generated at first start, DATA_DIR/secrets.json) — so it opens that one file of that tenant until
 * it expires, and nothing else; a changed byte is a forged token. The name at the end is for the
 * provider (Viber reads the type from the last path segment) and is not trusted.
 */
import crypto from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { type Queryable, schema } from '../db/index.ts'
import { cleanFileName } from './names.ts'

/** How long a link lives: long enough for the provider (and its clients) to fetch it. */
export const PUBLIC_LINK_TTL_S = 7 * 24 * 3600

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const B64 = /^[A-Za-z0-9_-]{1,100}$/

/** What a verified token names. */
export interface LinkedFile {
  tenantId: string
  fileId: string
}

/** Signs and checks public file links with one server key. */
export interface PublicLinks {
  /** A token for the tenant's file, or null when the tenant has no such file (another tenant's id). */
  sign(q: Queryable, f: LinkedFile, nowS?: number): Promise<string | null>
  /** What the token names; 'forged' for any token not made by `sign`, 'expired' past its expiry. */
  verify(token: string, nowS?: number): LinkedFile | 'forged' | 'expired'
}

const uuidBytes = (u: string) => Buffer.from(u.replaceAll('-', ''), 'hex')
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
/** tenant (16 bytes) | file (16) | expiry, Unix seconds (4) | HMAC-SHA256 of those, first 16 bytes. */
const BODY = 36
const TOKEN = BODY + 16

/**
 * The link signer for this server (its key derived from `serverSecret`, never the secret itself).
 * A token is 70 URL-safe characters: Fastify refuses path parameters longer than 100.
 */
export function publicLinks(serverSecret: string, ttlS = PUBLIC_LINK_TTL_S): PublicLinks {
  const key = crypto.createHmac('sha256', serverSecret).update('frontline public file links v1').digest()
  const mac = (body: Buffer) =>
    crypto
      .createHmac('sha256', key)
      .update(body)
      .digest()
      .subarray(0, TOKEN - BODY)
  return {
    async sign(q, f, nowS = Math.floor(Date.now() / 1000)) {
      if (!UUID.test(f.tenantId) || !UUID.test(f.fileId)) return null
      const [row] = await q
        .select({ id: schema.files.id })
        .from(schema.files)
        .where(and(eq(schema.files.tenantId, f.tenantId), eq(schema.files.id, f.fileId)))
      if (!row) return null
      const exp = Buffer.alloc(4)
      exp.writeUInt32BE(Math.min(0xffffffff, nowS + ttlS))
      const body = Buffer.concat([uuidBytes(f.tenantId), uuidBytes(f.fileId), exp])
      return Buffer.concat([body, mac(body)]).toString('base64url')
    },
    verify(token, nowS = Math.floor(Date.now() / 1000)) {
      if (!B64.test(token)) return 'forged'
      const raw = Buffer.from(token, 'base64url')
      if (raw.length !== TOKEN || raw.toString('base64url') !== token) return 'forged'
      const body = raw.subarray(0, BODY)
      if (!crypto.timingSafeEqual(raw.subarray(BODY), mac(body))) return 'forged'
      if (body.readUInt32BE(32) < nowS) return 'expired'
      return { tenantId: uuidOf(body.subarray(0, 16)), fileId: uuidOf(body.subarray(16, 32)) }
    },
  }
}

/** The name a link ends with: the file's own, made safe for a URL path segment. */
export function linkName(name: string): string {
  return encodeURIComponent(cleanFileName(name, 'file'))
}

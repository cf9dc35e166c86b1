/**
 * Signed public links to one chat file (issue 8: Viber takes media only by a public URL). A link is
 * `{PUBLIC_BASE_URL}/api/public-files/{token}/{name}`: the token names the tenant, the file and an
 * expiry, and carries an HMAC-SHA256 of them with a key derived from the server's internal secret
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
const B64 = /^[A-Za-z0-9_-]{1,300}$/

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

/** The link signer for this server (its key derived from `serverSecret`, never the secret itself). */
export function publicLinks(serverSecret: string, ttlS = PUBLIC_LINK_TTL_S): PublicLinks {
  const key = crypto.createHmac('sha256', serverSecret).update('frontline public file links v1').digest()
  const mac = (payload: string) => crypto.createHmac('sha256', key).update(payload).digest()
  return {
    async sign(q, f, nowS = Math.floor(Date.now() / 1000)) {
      if (!UUID.test(f.tenantId) || !UUID.test(f.fileId)) return null
      const [row] = await q
        .select({ id: schema.files.id })
        .from(schema.files)
        .where(and(eq(schema.files.tenantId, f.tenantId), eq(schema.files.id, f.fileId)))
      if (!row) return null
      const payload = `${f.tenantId}.${f.fileId}.${nowS + ttlS}`
      return `${Buffer.from(payload).toString('base64url')}.${mac(payload).toString('base64url')}`
    },
    verify(token, nowS = Math.floor(Date.now() / 1000)) {
      const [p, m, ...rest] = token.split('.')
      if (!p || !m || rest.length || !B64.test(p) || !B64.test(m)) return 'forged'
      const payload = Buffer.from(p, 'base64url').toString('utf8')
      const want = mac(payload)
      const got = Buffer.from(m, 'base64url')
      if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return 'forged'
      const [tenantId = '', fileId = '', exp = ''] = payload.split('.')
      if (!UUID.test(tenantId) || !UUID.test(fileId) || !/^\d{1,12}$/.test(exp)) return 'forged'
      if (Number(exp) < nowS) return 'expired'
      return { tenantId, fileId }
    },
  }
}

/** The name a link ends with: the file's own, made safe for a URL path segment. */
export function linkName(name: string): string {
  return encodeURIComponent(cleanFileName(name, 'file'))
}

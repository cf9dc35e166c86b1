/**
 * Verified visitor tokens, remembered (issue 12's ingest budget: the tracking snippet sends the same
 * token with every page view, ping and leave; its HMAC, base64 and JSON were a twentieth of the
 * server's CPU per view). A token string is remembered only once its signature has been checked, so
 * a hit is the very string this server signed; what can change with time is checked on every use:
 * its expiry, and — when asked — that it is of this tenant. At most `max` tokens, oldest forgotten.
 */
import { AppError } from '../errors.ts'
import { type VisitorClaims, verifyVisitorToken } from './visitor-token.ts'

export class VisitorTokenCache {
  private readonly claims = new Map<string, VisitorClaims>()
  constructor(
    private readonly secret: string,
    private readonly max = 50_000,
  ) {}

  /** As verifyVisitorToken: the claims, or E_VISITOR_TOKEN (forged, altered, expired, other tenant). */
  verify(token: string, opts: { tenantId?: string; now?: number } = {}): VisitorClaims {
    const now = opts.now ?? Date.now()
    let c = this.claims.get(token)
    if (!c) {
      c = verifyVisitorToken(this.secret, token, { now })
      this.claims.set(token, c)
      if (this.claims.size > this.max) {
        const oldest = this.claims.keys().next().value
        if (oldest !== undefined) this.claims.delete(oldest)
      }
    }
    if (c.expiresAt * 1000 <= now || (opts.tenantId && opts.tenantId !== c.tenantId))
      throw new AppError('E_VISITOR_TOKEN')
    return c
  }

  get size(): number {
    return this.claims.size
  }
}

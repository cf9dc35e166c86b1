/// <reference path="./http_ece.d.ts" />
/**
 * A local push service (RFC 8030) for tests, e2e and the push bench: TLS with a self-signed
 * certificate (web-push always speaks https), checks each request's VAPID JWT (RFC 8292: ES256
 * signature by the `k` key, `aud` = this origin, `exp` within a day, a mailto:/https: `sub`), and —
 * holding the browser's half of each subscription it made — decrypts the aes128gcm body (RFC 8291)
 * with http_ece. It records every request with its Urgency, TTL and Topic; an endpoint can be made to
 * answer 410 (the browser unsubscribed) or 5xx.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import ece from 'http_ece'
import type { PushPayload } from '../../contract/push.ts'

export interface PushRequest {
  /** The subscription's id (the endpoint's last path segment). */
  id: string
  at: number
  urgency: string | undefined
  ttl: number
  topic: string | undefined
  contentEncoding: string | undefined
  /** Encrypted body length. */
  length: number
  /** The VAPID JWT and `k` checked out. */
  vapidOk: boolean
  /** `k`: the server's VAPID public key. */
  vapidKey: string
  /** What the stand-in answered. */
  status: number
  /** The decrypted body, parsed (null when it did not decrypt). */
  payload: PushPayload | null
  error?: string
}

export interface StandinSubscription {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
}

export interface PushService {
  url: string
  /** The self-signed certificate (PEM), and the file holding it (PUSH_CA_FILE). */
  ca: string
  caFile: string
  requests: PushRequest[]
  /** A browser-side subscription: the body of POST /api/push/subscriptions. */
  subscribe(): StandinSubscription
  /** Requests to this subscription answer `status` from now on (410: unsubscribed; 0: normal again). */
  answer(id: string, status: number, times?: number): void
  /** Resolves with the first request matching `pred` (already recorded or still to come). */
  waitFor(pred: (r: PushRequest) => boolean): Promise<PushRequest>
  close(): Promise<void>
}

const b64u = (b: Buffer) => b.toString('base64url')

function selfSigned(dir: string): { cert: string; key: string; certFile: string } {
  const certFile = path.join(dir, 'cert.pem')
  const keyFile = path.join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  )
  return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), certFile }
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>` for a request to `origin`. */
function checkVapid(authorization: string, origin: string): { ok: boolean; key: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization)
  if (!m?.[1] || !m[2]) return { ok: false, key: '' }
  const [jwt, k] = [m[1], m[2]]
  const [h = '', p = '', s = ''] = jwt.split('.')
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
      aud?: string
      exp?: number
      sub?: string
    }
    const pt = Buffer.from(k, 'base64url')
    if (pt.length !== 65 || pt[0] !== 4) return { ok: false, key: k }
    const pub = crypto.createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: b64u(pt.subarray(1, 33)), y: b64u(pt.subarray(33)) },
      format: 'jwk',
    })
    const sig = crypto.verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: pub, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    )
    const now = Date.now() / 1000
    const claimsOk =
      header.alg === 'ES256' &&
      claims.aud === origin &&
      typeof claims.exp === 'number' &&
      claims.exp > now &&
      claims.exp <= now + 86400 &&
      /^(mailto:|https:)/.test(claims.sub ?? '')
    return { ok: sig && claimsOk, key: k }
  } catch {
    return { ok: false, key: k }
  }
}

/** Starts the push service on a free loopback port. */
export async function startPushService(): Promise<PushService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-push-'))
  const { cert, key, certFile } = selfSigned(dir)
  const browsers = new Map<string, { ecdh: crypto.ECDH; auth: Buffer }>()
  const answers = new Map<string, { status: number; times: number }>()
  const requests: PushRequest[] = []
  const waiters: { pred: (r: PushRequest) => boolean; done: (r: PushRequest) => void }[] = []
  let url = ''

  const server = https.createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const id = (req.url ?? '').split('/').pop() ?? ''
      const vapid = checkVapid(String(req.headers.authorization ?? ''), url)
      const browser = browsers.get(id)
      const r: PushRequest = {
        id,
        at: performance.now(),
        urgency: req.headers.urgency as string | undefined,
        ttl: Number(req.headers.ttl),
        topic: req.headers.topic as string | undefined,
        contentEncoding: req.headers['content-encoding'] as string | undefined,
        length: body.length,
        vapidOk: vapid.ok,
        vapidKey: vapid.key,
        status: 201,
        payload: null,
      }
      try {
        if (!browser) throw new Error('no such subscription')
        const plain = ece.decrypt(body, {
          version: 'aes128gcm',
          privateKey: browser.ecdh,
          authSecret: b64u(browser.auth),
        })
        r.payload = JSON.parse(plain.toString('utf8')) as PushPayload
      } catch (e) {
        r.error = (e as Error).message
      }
      const forced = answers.get(id)
      if (forced && forced.times !== 0) {
        r.status = forced.status
        if (forced.times > 0) forced.times--
      } else if (!browser) r.status = 404
      else if (!vapid.ok) r.status = 403
      else if (!r.payload) r.status = 400
      requests.push(r)
      for (const w of [...waiters])
        if (w.pred(r)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.done(r)
        }
      res.writeHead(r.status, r.status === 201 ? { location: `${url}/msg/${requests.length}` } : {})
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    ca: cert,
    caFile: certFile,
    requests,
    subscribe() {
      const id = crypto.randomUUID()
      const ecdh = crypto.createECDH('prime256v1')
      ecdh.generateKeys()
      const auth = crypto.randomBytes(16)
      browsers.set(id, { ecdh, auth })
      return {
        id,
        endpoint: `${url}/push/${id}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
      }
    },
    answer(id, status, times = -1) {
      if (status === 0) answers.delete(id)
      else answers.set(id, { status, times })
    },
    waitFor(pred) {
      const found = requests.find(pred)
      if (found) return Promise.resolve(found)
      return new Promise((done) => waiters.push({ pred, done }))
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

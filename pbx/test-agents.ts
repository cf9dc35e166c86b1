/**
 * Test support for the pbx tests: signalling-only SIP.js user agents in Node (no WebRTC), the way
 * the real Kamailio sees browsers.
 */
import { type SessionDescriptionHandler, UserAgent } from 'sip.js'
import WebSocket from 'ws'

/** `ws` options per server URL (TLS trust, local address): SIP.js opens `new WebSocket(url, 'sip')`. */
const clientOptions = new Map<string, WebSocket.ClientOptions>()
class OptionedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, clientOptions.get(String(url)) ?? {})
  }
}
// SIP.js's Web transport needs a global WebSocket; Node 20 has none.
;(globalThis as Record<string, unknown>).WebSocket = OptionedWebSocket

/** Signalling-only media: calls are set up and torn down without WebRTC. */
export function fakeSdh(): SessionDescriptionHandler {
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n'
  return {
    close: () => {},
    getDescription: async () => ({ body: sdp, contentType: 'application/sdp' }),
    hasDescription: (type: string) => type === 'application/sdp',
    setDescription: async () => {},
    sendDtmf: () => true,
  }
}

/** A user agent for `uri` on Kamailio's WebSocket port, authenticating with the given credentials. */
export function sipAgent(o: {
  uri: string
  wsPort: number
  username: string
  password: string
  delegate?: UserAgent['delegate']
  displayName?: string
  /** Another WebSocket URL than Kamailio's own port (e.g. wss:// through a TLS proxy). */
  server?: string
  /** `ws` client options for that URL (make the URL unique per agent when they differ). */
  wsOptions?: WebSocket.ClientOptions
}): UserAgent {
  const server = o.server ?? `ws://127.0.0.1:${o.wsPort}`
  if (o.wsOptions) clientOptions.set(server, o.wsOptions)
  return new UserAgent({
    uri: UserAgent.makeURI(o.uri),
    transportOptions: { server },
    authorizationUsername: o.username,
    authorizationPassword: o.password,
    ...(o.displayName ? { displayName: o.displayName } : {}),
    logLevel: 'error',
    delegate: o.delegate ?? {},
    sessionDescriptionHandlerFactory: () => fakeSdh(),
  })
}

/** A parsed SIP message received on a raw connection. */
export interface RawSipMessage {
  text: string
  /** Status code of a reply; 0 for a request. */
  status: number
  callId: string
  method: string
}

function parseSip(text: string): RawSipMessage {
  const first = text.slice(0, text.indexOf('\r\n'))
  const status = /^SIP\/2\.0 (\d{3})/.exec(first)
  const header = (name: string) =>
    new RegExp(`^(?:${name}):\\s*(.*)$`, 'im').exec(text.slice(0, text.indexOf('\r\n\r\n')))?.[1] ?? ''
  return {
    text,
    status: status ? Number(status[1]) : 0,
    callId: header('Call-ID|i').trim(),
    method: status ? (header('CSeq').trim().split(/\s+/)[1] ?? '') : (first.split(' ')[0] ?? ''),
  }
}

/**
 * Raw SIP over WebSocket, as a probe from outside would send it: no SIP.js, messages written by hand.
 * `options` go to `ws` (TLS trust, local address, extra handshake headers).
 */
export async function rawSip(url: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, 'sip', options)
  const received: RawSipMessage[] = []
  const waiters: { pred: (m: RawSipMessage) => boolean; resolve: (m: RawSipMessage) => void }[] = []
  let closed = false
  ws.on('message', (data) => {
    const m = parseSip(data.toString())
    received.push(m)
    for (const w of [...waiters]) {
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  ws.on('close', () => {
    closed = true
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const next = (pred: (m: RawSipMessage) => boolean, ms = 5000) =>
    new Promise<RawSipMessage | null>((resolve) => {
      const found = received.find(pred)
      if (found) return resolve(found)
      const w = { pred, resolve }
      waiters.push(w)
      setTimeout(() => {
        const i = waiters.indexOf(w)
        if (i >= 0) waiters.splice(i, 1)
        resolve(null)
      }, ms).unref()
    })
  return {
    ws,
    received,
    get closed() {
      return closed
    },
    send(text: string) {
      ws.send(text)
    },
    /** Sends a request and resolves with its final reply (null: none within `ms`). */
    async request(text: string, ms = 5000): Promise<RawSipMessage | null> {
      const callId = parseSip(text).callId
      ws.send(text)
      return next((m) => m.status >= 200 && m.callId === callId, ms)
    },
    next,
    close() {
      ws.close()
    },
  }
}

let seq = 0
/** A request as a WebSocket UA writes it; `headers` are added verbatim (one per line). */
export function sipRequest(o: {
  method: string
  ruri: string
  from: string
  to: string
  toTag?: string
  /** The From-tag (default: a fresh one), e.g. a live call's own. */
  fromTag?: string
  cseq?: number
  headers?: string[]
  body?: string
  callId?: string
}): string {
  seq++
  const body = o.body ?? ''
  return [
    `${o.method} ${o.ruri} SIP/2.0`,
    `Via: SIP/2.0/WS probe${seq}.invalid;branch=z9hG4bK-probe-${Date.now()}-${seq}`,
    'Max-Forwards: 70',
    `From: <${o.from}>;tag=${o.fromTag ?? `probe${seq}`}`,
    `To: <${o.to}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? `probe-${Date.now()}-${seq}`}`,
    `CSeq: ${o.cseq ?? 1} ${o.method}`,
    `Contact: <sip:probe@probe${seq}.invalid;transport=ws>`,
    ...(o.headers ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n')
}

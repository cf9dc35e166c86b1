/**
 * Test support for the pbx tests: signalling-only SIP.js user agents in Node (no WebRTC), the way
 * the real Kamailio sees browsers.
 */
import { type SessionDescriptionHandler, UserAgent } from 'sip.js'
import WebSocket from 'ws'

// SIP.js's Web transport needs a global WebSocket; Node 20 has none.
;(globalThis as Record<string, unknown>).WebSocket = WebSocket

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
}): UserAgent {
  return new UserAgent({
    uri: UserAgent.makeURI(o.uri),
    transportOptions: { server: `ws://127.0.0.1:${o.wsPort}` },
    authorizationUsername: o.username,
    authorizationPassword: o.password,
    ...(o.displayName ? { displayName: o.displayName } : {}),
    logLevel: 'error',
    delegate: o.delegate ?? {},
    sessionDescriptionHandlerFactory: () => fakeSdh(),
  })
}

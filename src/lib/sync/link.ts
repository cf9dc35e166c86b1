/** The realtime link: WebSocket to /api/ws driven by the pure machine in machine.ts. */
import { createSignal } from 'solid-js'
import type { ServerMessage } from '../../../contract/index.ts'
import { noteNetwork } from '../net/index.ts'
import { type FrontlineDb, getMeta, setMeta } from '../store/index.ts'
import { type Dispatcher, dispatcher } from './dispatch.ts'
import { type LinkEffect, type LinkInput, type LinkState, step } from './machine.ts'

export interface LinkOptions {
  token: string
  db: FrontlineDb
  /** Where events go: the features' registered handlers (the app's dispatcher unless a test gives one). */
  dispatcher?: Dispatcher
  /** The local mirror is stale (first connect or server reset): reload snapshots over REST. */
  onResetLocal: () => void
  /** The server refused the token (4401): the session was revoked. */
  onUnauthorized: () => void
}

const PING_EVERY_MS = 25_000

/** A running link with its state as a signal; `stop()` ends it. */
export interface Link {
  state: () => LinkState
  stop: () => void
}

/** Open the realtime link for one account. */
export function startLink(opts: LinkOptions): Link {
  const [state, setState] = createSignal<LinkState>({ kind: 'idle' })
  let ws: WebSocket | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let ping: ReturnType<typeof setInterval> | undefined
  // Events are applied strictly in arrival order, one Dexie transaction after another.
  let queue: Promise<unknown> = Promise.resolve()
  const events = opts.dispatcher ?? dispatcher

  const feed = (input: LinkInput) => {
    const r = step(state(), input, Math.random())
    setState(r.state)
    for (const e of r.effects) perform(e)
  }

  const perform = (e: LinkEffect) => {
    switch (e.type) {
      case 'connect':
        connect()
        break
      case 'sendAuth':
        send({ type: 'auth', token: opts.token })
        break
      case 'sendResume':
        queue = queue.then(async () => {
          // The mirror was filled from another feed (the server's data was reset or restored): every
          // feature drops what the feed wrote, and the seq becomes the server's, in one transaction.
          // Unsent work (outbox) is the operator's and stays.
          if (e.dropMirror) await events.reset(opts.db, e.since)
          else if (e.resetLocal) await setMeta(opts.db, 'lastSeq', e.since)
          send({ type: 'resume', since: e.since })
          if (e.resetLocal) opts.onResetLocal()
        })
        break
      case 'schedule':
        clearTimeout(timer)
        timer = setTimeout(() => feed({ type: 'retry' }), e.delayMs)
        break
      case 'disconnect':
        clearTimeout(timer)
        teardown()
        break
      case 'unauthorized':
        teardown()
        opts.onUnauthorized()
        break
    }
  }

  const send = (msg: unknown) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg))
  }

  const teardown = () => {
    clearInterval(ping)
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
      if (ws.readyState <= WebSocket.OPEN) ws.close(1000)
      ws = null
    }
  }

  const connect = () => {
    teardown()
    const url = new URL('/api/ws', location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const sock = new WebSocket(url)
    ws = sock
    sock.onopen = () => {
      noteNetwork('reached')
      ping = setInterval(() => send({ type: 'ping' }), PING_EVERY_MS)
      feed({ type: 'open' })
    }
    sock.onclose = (ev) => {
      clearInterval(ping)
      ws = null
      feed({ type: 'close', code: ev.code })
    }
    sock.onmessage = (ev) => onMessage(ev.data)
  }

  const onMessage = (raw: unknown) => {
    let msg: ServerMessage
    try {
      msg = JSON.parse(String(raw)) as ServerMessage
    } catch {
      return
    }
    switch (msg.kind) {
      case 'ready':
        queue = queue.then(async () => {
          const stored = await getMeta<number>(opts.db, 'lastSeq')
          feed({ type: 'ready', serverLastSeq: msg.lastSeq, storedSeq: stored })
        })
        break
      case 'live':
        queue = queue.then(() => feed({ type: 'live' }))
        break
      case 'reset':
        queue = queue.then(() => feed({ type: 'reset', serverLastSeq: msg.lastSeq }))
        break
      case 'event':
        queue = queue
          .then(() => events.dispatch(opts.db, msg))
          .catch((e: unknown) => console.error('sync: event not applied', e))
        break
      default:
        break
    }
  }

  // Back online: do not wait for the backoff timer.
  const online = () => {
    if (state().kind === 'waiting') {
      clearTimeout(timer)
      feed({ type: 'retry' })
    }
  }
  globalThis.addEventListener?.('online', online)

  feed({ type: 'start' })
  return {
    state,
    stop: () => {
      globalThis.removeEventListener?.('online', online)
      feed({ type: 'stop' })
    },
  }
}

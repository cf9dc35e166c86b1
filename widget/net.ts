/** The visitor API (contract/visitor.ts) over fetch, and its WebSocket with backoff. */
import type { ApiBody, ApiReply } from '../contract/routes.ts'
import type { VisitorClientFrame, VisitorSend, VisitorServerFrame } from '../contract/visitor.ts'

/** A refusal from the server (4xx with a code): the request must not be repeated as is. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** A refusal a retry cannot change (the file's type or size): shown without a Retry button. */
export const isFinalRefusal = (e: unknown): boolean =>
  e instanceof Refused && (e.status === 413 || e.status === 415)

export class Api {
  token = ''
  constructor(
    readonly base: string,
    private readonly lang: string,
  ) {}

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const r = await fetch(this.base + path, {
      ...init,
      headers: {
        'accept-language': this.lang,
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    })
    if (r.ok) return (await r.json()) as T
    const body = (await r.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
    // 408/429 and 5xx are worth repeating; any other 4xx is final.
    if (r.status >= 500 || r.status === 429 || r.status === 408) throw new Error(`HTTP ${r.status}`)
    throw new Refused(
      r.status,
      body?.error?.code ?? 'E_BAD_REQUEST',
      body?.error?.message ?? `HTTP ${r.status}`,
    )
  }

  /** A JSON POST, typed by its route in contract/routes.ts. */
  private json<P extends '/api/visitor/session' | '/api/visitor/messages' | '/api/visitor/read'>(
    path: P,
    body: ApiBody<`POST ${P}`>,
  ): Promise<ApiReply<`POST ${P}`>> {
    return this.call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

  session(tenant: string, token: string | undefined, page: { url: string; referrer: string | null }) {
    return this.json('/api/visitor/session', {
      tenant,
      ...(token ? { token } : {}),
      page,
    })
  }

  /** A5: does the tenant's website chat take visitors now (else the widget shows no launcher)? */
  open(tenant: string): Promise<ApiReply<'GET /api/visitor/open'>> {
    return this.call(`/api/visitor/open?${new URLSearchParams({ tenant })}`, { method: 'GET' })
  }

  send(m: VisitorSend) {
    return this.json('/api/visitor/messages', m)
  }

  read(upToN: number) {
    return this.json('/api/visitor/read', { upToN })
  }

  upload(blob: Blob, name: string, durationMs?: number) {
    const q = new URLSearchParams({ name })
    if (durationMs !== undefined) {
      q.set('durationMs', String(Math.max(1, Math.round(durationMs))))
      q.set('voice', '1')
    }
    return this.call<ApiReply<'POST /api/visitor/files'>>(`/api/visitor/files?${q}`, {
      method: 'POST',
      headers: { 'content-type': blob.type || 'application/octet-stream' },
      body: blob,
    })
  }

  /** A file of his chat as a blob URL (img/audio cannot send the token themselves). */
  async fileUrl(id: string): Promise<string> {
    const r = await fetch(`${this.base}/api/visitor/files/${id}`, {
      headers: { authorization: `Bearer ${this.token}` },
    })
    if (!r.ok) throw new Error(`HTTP ${r.status}`)
    return URL.createObjectURL(await r.blob())
  }
}

/**
 * The live link: auth → ready → resume{afterN} → his missed messages → live. Reconnects with
 * exponential backoff (1 s doubling to 30 s, with jitter) and resumes from the last n it has.
 */
export class Link {
  private ws: WebSocket | null = null
  private tries = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(
    private readonly base: string,
    private readonly token: () => string,
    private readonly afterN: () => number,
    private readonly onFrame: (f: VisitorServerFrame) => void,
    private readonly onUp: (up: boolean) => void,
  ) {}

  start(): void {
    this.stopped = false
    if (this.ws) return
    const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/api/visitor/ws`)
    this.ws = ws
    ws.onopen = () => this.send({ type: 'auth', token: this.token() })
    ws.onmessage = (e) => {
      let f: VisitorServerFrame
      try {
        f = JSON.parse(String(e.data)) as VisitorServerFrame
      } catch {
        return
      }
      if (f.kind === 'ready') this.send({ type: 'resume', afterN: this.afterN() })
      if (f.kind === 'live') {
        this.tries = 0
        this.onUp(true)
      }
      this.onFrame(f)
    }
    ws.onclose = (e) => {
      this.ws = null
      this.onUp(false)
      if (this.stopped) return
      // 4401: the token is no longer good (expired, or its visitor is gone): the page starts over.
      if (e.code === 4401) this.onFrame({ kind: 'error', code: 'E_VISITOR_TOKEN', message: '' })
      const delay = Math.min(30_000, 1000 * 2 ** this.tries++) * (0.5 + Math.random() / 2)
      this.timer = setTimeout(() => this.start(), delay)
    }
  }

  send(f: VisitorClientFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f))
  }

  /** Closes and reconnects at once (the browser came back online). */
  kick(): void {
    clearTimeout(this.timer)
    this.tries = 0
    if (!this.ws) this.start()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.ws?.close()
  }
}

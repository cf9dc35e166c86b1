/** The Kamailio JSON-RPC client against a tiny local HTTP server standing in for Kamailio's /RPC. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { kamailioRpc, RpcError } from './rpc.ts'

interface Stub {
  port: number
  requests: { method: string; secret: string }[]
  connections: number
}

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r) ?? r(undefined))
  server = undefined
})

/** Serves `answer` for each request; `drop(n)` says whether the n-th request (0-based) has its connection destroyed unanswered. */
async function stub(
  answer: (req: { method: string }, res: ServerResponse) => void,
  drop: (n: number) => boolean = () => false,
): Promise<Stub> {
  const s: Stub = { port: 0, requests: [], connections: 0 }
  server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (d: Buffer) => {
      body += d
    })
    req.on('end', () => {
      const n = s.requests.length
      const parsed = JSON.parse(body) as { method: string }
      s.requests.push({ method: parsed.method, secret: String(req.headers['x-internal-secret']) })
      if (drop(n)) req.socket.destroy()
      else answer(parsed, res)
    })
  })
  server.on('connection', () => {
    s.connections += 1
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  s.port = (server.address() as AddressInfo).port
  return s
}

const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

describe('kamailioRpc', () => {
  it('sends the method with the internal secret and resolves with the result', async () => {
    const s = await stub((req, res) => json(res, { jsonrpc: '2.0', result: { asked: req.method }, id: 1 }))
    const rpc = kamailioRpc({ port: s.port, secret: 'sekrit' })
    expect(await rpc('core.version')).toEqual({ asked: 'core.version' })
    expect(s.requests).toEqual([{ method: 'core.version', secret: 'sekrit' }])
  })

  it('a request on a connection Kamailio had just closed is asked once more, on a new connection', async () => {
    const s = await stub(
      (_req, res) => json(res, { jsonrpc: '2.0', result: 'ok', id: 1 }),
      (n) => n === 0,
    )
    const rpc = kamailioRpc({ port: s.port, secret: 'x' })
    expect(await rpc('ul.dump')).toBe('ok')
    expect(s.requests.map((r) => r.method)).toEqual(['ul.dump', 'ul.dump'])
    expect(s.connections).toBe(2)
  })

  it('two stale connections in a row (a line-ban burst after Kamailio dropped its idle ones): still answered', async () => {
    const s = await stub(
      (_req, res) => json(res, { jsonrpc: '2.0', result: 'ok', id: 1 }),
      (n) => n < 2,
    )
    expect(await kamailioRpc({ port: s.port, secret: 'x' })('htable.delete')).toBe('ok')
    expect(s.requests.length).toBe(3)
  })

  it('three times at most: a third close is an `unreachable` RpcError', async () => {
    const s = await stub(
      (_req, res) => json(res, { result: 'never' }),
      () => true,
    )
    const err = await kamailioRpc({ port: s.port, secret: 'x' })('dlg.list').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcError)
    expect(err).toMatchObject({ kind: 'unreachable', method: 'dlg.list' })
    expect(s.requests.length).toBe(3)
  })

  it('nothing listening: `unreachable`, not retried as a closed keep-alive', async () => {
    const s = await stub((_req, res) => json(res, {}))
    const port = s.port
    server?.close()
    await new Promise((r) => server?.once('close', r))
    server = undefined
    await expect(kamailioRpc({ port, secret: 'x' })('core.version')).rejects.toMatchObject({
      kind: 'unreachable',
    })
  })

  it('no answer within the timeout: `timeout`', async () => {
    await stub(() => {}) // never answers
    const s = server!.address() as AddressInfo
    await expect(
      kamailioRpc({ port: s.port, secret: 'x', timeoutMs: 50 })('core.version'),
    ).rejects.toMatchObject({
      kind: 'timeout',
    })
  })

  it('a wrong secret (Kamailio answers 404): `http` with the status', async () => {
    const s = await stub((_req, res) => json(res, { error: 'nope' }, 404))
    const err = await kamailioRpc({ port: s.port, secret: 'bad' })('core.version').catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'http', status: 404 })
    expect(String(err)).toMatch(/HTTP 404/)
  })

  it('a JSON-RPC error: `fault` with its message; a non-JSON answer: `bad-answer`', async () => {
    const s = await stub((req, res) =>
      req.method === 'broken'
        ? res.writeHead(200).end('<html>')
        : json(res, { jsonrpc: '2.0', error: { code: -32601, message: 'Method Not Found' }, id: 1 }),
    )
    const rpc = kamailioRpc({ port: s.port, secret: 'x' })
    await expect(rpc('no.such')).rejects.toMatchObject({
      kind: 'fault',
      message: expect.stringMatching(/Method Not Found/),
    })
    await expect(rpc('broken')).rejects.toMatchObject({ kind: 'bad-answer' })
  })

  it('an empty result (jsonrpcs leaves it out) resolves undefined', async () => {
    const s = await stub((_req, res) => json(res, { jsonrpc: '2.0', id: 1 }))
    expect(await kamailioRpc({ port: s.port, secret: 'x' })('dlg.list')).toBeUndefined()
  })
})

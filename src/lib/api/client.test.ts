import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, apiUrl, configureApi } from './client.ts'

interface Seen {
  url: string
  method: string
  body: unknown
  auth: string | undefined
}

/** Answers every fetch with `status`/`json` and records what was asked. */
function stubFetch(status: number, json: unknown): Seen[] {
  const seen: Seen[] = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>
    seen.push({
      url,
      method: String(init.method),
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
      auth: headers.authorization,
    })
    return new Response(status === 204 ? null : JSON.stringify(json), { status })
  })
  return seen
}

afterEach(() => {
  vi.unstubAllGlobals()
  configureApi({ token: () => null, unauthorized: () => {} })
})

describe('apiUrl', () => {
  it('fills the path parameters, encoded', () => {
    expect(apiUrl('DELETE /api/auth/sessions/:id', { params: { id: 'a/b c' } })).toBe(
      '/api/auth/sessions/a%2Fb%20c',
    )
    expect(apiUrl('PUT /api/calls/recording/:sipCallId', { params: { sipCallId: 'x@y' } })).toBe(
      '/api/calls/recording/x%40y',
    )
  })

  it('appends only the query values that are set', () => {
    expect(apiUrl('GET /api/calls', { query: { scope: 'all', q: undefined, before: 'c1' } })).toBe(
      '/api/calls?scope=all&before=c1',
    )
    expect(apiUrl('GET /api/calls', { query: {} })).toBe('/api/calls')
    expect(apiUrl('GET /api/contacts/clients', { query: { q: 'a&b=c', limit: '50' } })).toBe(
      '/api/contacts/clients?q=a%26b%3Dc&limit=50',
    )
  })

  it('refuses a route whose parameter is missing (an untyped caller)', () => {
    const untyped = apiUrl as (route: string, parts?: object) => string
    expect(() => untyped('GET /api/calls/:id')).toThrow(/needs :id/)
  })
})

describe('api by route key', () => {
  it('sends the method, filled path, query and JSON body of the route with the active token', async () => {
    configureApi({ token: () => 'tok', unauthorized: () => {} })
    const seen = stubFetch(200, { status: 'online', at: 'now' })
    const r = await api('PUT /api/me/status', { body: { status: 'online' } })
    expect(r).toEqual({ status: 'online', at: 'now' })
    expect(seen).toEqual([
      { url: '/api/me/status', method: 'PUT', body: { status: 'online' }, auth: 'Bearer tok' },
    ])
  })

  it('takes params and query and an explicit token', async () => {
    const seen = stubFetch(204, null)
    expect(
      await api('DELETE /api/auth/sessions/:id', { params: { id: 's1' }, token: 'other' }),
    ).toBeUndefined()
    await api('GET /api/calls/missed', { query: { before: 'k' } })
    expect(seen.map((s) => `${s.method} ${s.url} ${s.auth}`)).toEqual([
      'DELETE /api/auth/sessions/s1 Bearer other',
      'GET /api/calls/missed?before=k undefined',
    ])
  })

  it('throws the coded error of a refusal', async () => {
    stubFetch(409, { error: { code: 'E_CHAT_TAKEN', message: 'taken' } })
    const e = await api('POST /api/chats/:id/accept', { params: { id: 'c' } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).code).toBe('E_CHAT_TAKEN')
  })
})

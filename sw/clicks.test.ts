import { describe, expect, it } from 'vitest'
import {
  type ClientsLike,
  clickPlan,
  handleNotificationClick,
  targetPath,
  type WindowLike,
} from './clicks.ts'
import { activeToken } from './session.ts'

function fakeWindow(url: string) {
  const posted: unknown[] = []
  const w: WindowLike & { posted: unknown[]; focused: number } = {
    url,
    posted,
    focused: 0,
    async focus() {
      w.focused++
      return w
    },
    postMessage(m) {
      posted.push(m)
    },
  }
  return w
}

function fakeClients(open: WindowLike[]) {
  const opened: string[] = []
  const c: ClientsLike & { opened: string[] } = {
    opened,
    async matchAll() {
      return open
    },
    async openWindow(url) {
      opened.push(url)
      const w = fakeWindow(url)
      open.push(w)
      return w
    },
  }
  return c
}

describe('targetPath', () => {
  it('routes by payload type', () => {
    expect(targetPath({ type: 'chat', chatId: 'a/b' })).toBe('/requests/a%2Fb')
    expect(targetPath({ type: 'call' })).toBe('/calls')
    expect(targetPath({ type: 'lead' })).toBe('/requests')
    expect(targetPath(null)).toBe('/')
  })
  it('refuses off-origin urls', () => {
    expect(targetPath({ url: 'https://evil.example/' })).toBe('/')
    expect(targetPath({ url: '//evil.example/' })).toBe('/')
    expect(targetPath({ url: '/contacts' })).toBe('/contacts')
  })
  it('refuses paths that the URL parser resolves to another host (open redirect)', () => {
    const origin = 'https://app.example'
    for (const url of [
      '/\\evil.com/x',
      '/\\/evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      '/\n/evil.com/x',
      '/%09/evil.com',
      'javascript:alert(1)',
      'https://app.example.evil.com/',
      'https://evil.com/@app.example',
      'evil.com',
    ]) {
      const got = targetPath({ url }, origin)
      expect(got, url).toMatch(/^\/(?!\/|\\)/)
      expect(new URL(got, origin).origin, url).toBe(origin)
    }
    expect(targetPath({ url: '/\\evil.com/x' }, origin)).toBe('/')
    expect(targetPath({ url: '/\t/evil.com' }, origin)).toBe('/')
  })
  it('keeps same-origin paths with query and hash', () => {
    const origin = 'https://app.example'
    expect(targetPath({ url: '/calls/c1?x=1#rec' }, origin)).toBe('/calls/c1?x=1#rec')
    expect(targetPath({ url: '/requests/../calls' }, origin)).toBe('/calls')
  })
})

describe('handleNotificationClick', () => {
  it('focuses an open window and posts the click to it', async () => {
    const w = fakeWindow('http://x/')
    const clients = fakeClients([w])
    const got = await handleNotificationClick('accept', { type: 'call', callId: 'c1' }, clients)
    expect(got).toBe(w)
    expect(w.focused).toBe(1)
    expect(clients.opened).toEqual([])
    expect(w.posted).toEqual([
      { kind: 'notification-click', action: 'accept', path: '/calls', data: { type: 'call', callId: 'c1' } },
    ])
  })
  it('opens a window at the target when none is open', async () => {
    const clients = fakeClients([])
    const got = await handleNotificationClick('', { type: 'chat', chatId: 'z' }, clients)
    expect(clients.opened).toEqual(['/requests/z'])
    expect((got as ReturnType<typeof fakeWindow>).posted[0]).toMatchObject({ action: 'default' })
  })
})

describe('typed pushes (N2)', () => {
  const chat = {
    kind: 'chat',
    seq: 9,
    chatId: 'h/1',
    channel: 'webchat',
    clientName: null,
    preview: '',
    acceptButton: true,
  } as const
  const transfer = {
    kind: 'transfer',
    seq: 10,
    offerId: 'o1',
    chatId: 'h1',
    fromName: 'Иван',
    clientName: null,
    comment: '',
    deadline: '',
  } as const
  const call = { kind: 'call', seq: 11, callId: 'c1', from: '101', fromName: null, ringUntil: '' } as const
  function fakeApi(status = 200, token: string | null = 'tok-123') {
    const calls: { url: string; init: RequestInit }[] = []
    return {
      calls,
      async token() {
        return token
      },
      async fetch(url: string, init: RequestInit) {
        calls.push({ url, init })
        return { ok: status < 300, status }
      },
    }
  }

  it('the body of each kind does the main thing (platforms without actions)', () => {
    expect(clickPlan('', chat)).toMatchObject({ path: '/requests/h%2F1', call: null, seq: 9 })
    expect(clickPlan('', transfer)).toMatchObject({ path: '/requests/h1', call: null })
    expect(clickPlan('', call)).toMatchObject({ path: '/calls?call=c1&answer=1' })
    // N1 §3: with the SIP Call-ID the woken app answers that INVITE when it arrives.
    expect(clickPlan('answer', { ...call, sipCallId: 'a b@h' })).toMatchObject({
      path: '/calls?call=c1&answer=a%20b%40h',
    })
    expect(clickPlan('', { kind: 'lead', seq: 1, leadId: 'l1', name: 'x', comment: '' }).path).toBe(
      '/requests/leads/l1',
    )
    expect(clickPlan('', { kind: 'missed_call', seq: 1, callId: 'c1', from: '1', fromName: null }).path).toBe(
      '/calls?scope=missed',
    )
  })

  it('Take calls the API from the worker with the session token and opens nothing', async () => {
    const w = fakeWindow('http://x/')
    const clients = fakeClients([w])
    const api = fakeApi()
    const got = await handleNotificationClick('take', chat, clients, api)
    expect(got).toBeNull()
    expect(api.calls).toEqual([
      {
        url: '/api/chats/h%2F1/accept',
        init: { method: 'POST', headers: { authorization: 'Bearer tok-123' } },
      },
    ])
    expect(w.focused).toBe(0)
    expect(clients.opened).toEqual([])
    expect(w.posted).toEqual([{ kind: 'notification-click', action: 'take', path: null, seq: 9, data: chat }])
  })

  it('a refused Take (taken by someone else) opens the chat in the app instead', async () => {
    const clients = fakeClients([])
    await handleNotificationClick('take', chat, clients, fakeApi(409))
    expect(clients.opened).toEqual(['/requests/h%2F1?seq=9'])
  })

  it('without a saved session nothing is called; the app opens', async () => {
    const clients = fakeClients([])
    const api = fakeApi(200, null)
    await handleNotificationClick('decline', transfer, clients, api)
    expect(api.calls).toEqual([])
    expect(clients.opened).toEqual(['/requests/h1?seq=10'])
  })

  it('transfer Accept calls the API then opens the chat; Decline stays in the background', async () => {
    const api = fakeApi()
    const clients = fakeClients([])
    await handleNotificationClick('accept', transfer, clients, api)
    expect(api.calls.map((c) => c.url)).toEqual(['/api/transfers/o1/accept'])
    expect(clients.opened).toEqual(['/requests/h1?seq=10'])
    const c2 = fakeClients([])
    await handleNotificationClick('decline', transfer, c2, api)
    expect(api.calls.map((c) => c.url)).toContain('/api/transfers/o1/decline')
    expect(c2.opened).toEqual([])
  })

  it('a call Decline tells the open app, opens nothing', async () => {
    const w = fakeWindow('http://x/')
    const clients = fakeClients([w])
    await handleNotificationClick('decline', call, clients, fakeApi())
    expect(clients.opened).toEqual([])
    expect(w.posted[0]).toMatchObject({ action: 'decline', path: null, data: call })
  })

  it('C10 a call Decline reports the decline (it joins My calls) and still opens nothing', async () => {
    const w = fakeWindow('http://x/')
    const clients = fakeClients([w])
    const api = fakeApi()
    const rung = { ...call, sipCallId: 'a/b@pbx' }
    await handleNotificationClick('decline', rung, clients, api)
    expect(api.calls.map((c) => [c.url, c.init.method])).toEqual([
      ['/api/calls/declined/a%2Fb%40pbx', 'POST'],
    ])
    expect(clients.opened).toEqual([])
    expect(w.posted[0]).toMatchObject({ action: 'decline', path: null, data: rung })
    // Refused or offline: the app is not opened over the declined call either.
    const c2 = fakeClients([])
    await handleNotificationClick('decline', rung, c2, fakeApi(500))
    expect(c2.opened).toEqual([])
  })

  it('ids from a push cannot leave our origin or path', () => {
    const evil = { ...chat, chatId: '../../evil.com/x?' }
    const plan = clickPlan('', evil, 'https://app.example')
    expect(plan.path).toBe('/requests/..%2F..%2Fevil.com%2Fx%3F')
    expect(new URL(plan.path as string, 'https://app.example').origin).toBe('https://app.example')
    const take = clickPlan('take', { ...chat, chatId: '../../auth/logout' })
    expect(take.call?.url).toBe('/api/chats/..%2F..%2Fauth%2Flogout/accept')
  })
})

describe('activeToken', () => {
  it("reads the active account's token and nothing else", () => {
    const s = {
      list: [
        { key: 'a', token: 't-a' },
        { key: 'b', token: 't-b' },
      ],
      activeKey: 'b',
    }
    expect(activeToken(s)).toBe('t-b')
    expect(activeToken({ ...s, activeKey: 'z' })).toBeNull()
    expect(activeToken(null)).toBeNull()
    expect(activeToken({ list: 'x', activeKey: 'a' })).toBeNull()
  })
})

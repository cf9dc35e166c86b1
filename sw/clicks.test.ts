import { describe, expect, it } from 'vitest'
import { type ClientsLike, handleNotificationClick, targetPath, type WindowLike } from './clicks.ts'

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

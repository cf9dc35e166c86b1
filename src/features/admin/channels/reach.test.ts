import { describe, expect, it } from 'vitest'
import { unreachableFromOutside, widgetSnippet } from './reach.ts'

describe('unreachableFromOutside (probe 13 UI #11)', () => {
  it('flags loopback, private, link-local, CGNAT and local names', () => {
    for (const u of [
      'http://127.0.0.1:4740/api/hooks/gateway/k',
      'http://localhost:8080/x',
      'http://10.1.2.3/x',
      'http://192.168.0.5/x',
      'http://172.20.0.1/x',
      'http://169.254.1.1/x',
      'http://100.64.0.1/x',
      'http://[::1]:8080/x',
      'http://[fd00::1]/x',
      'http://frontline.local/x',
      'http://myhost:8080/x',
    ])
      expect(unreachableFromOutside(u), u).toBe(true)
  })
  it('passes public hosts and ignores garbage', () => {
    for (const u of [
      'https://cc.romashka.ru/api/hooks/x',
      'http://8.8.8.8/x',
      'http://172.32.0.1/x',
      'not a url',
    ])
      expect(unreachableFromOutside(u), u).toBe(false)
  })
})

describe('widgetSnippet', () => {
  it('is the README tag, with data-lang when asked', () => {
    expect(widgetSnippet('https://cc.example', 'romashka')).toBe(
      '<script src="https://cc.example/widget.js" data-tenant="romashka" async></script>',
    )
    expect(widgetSnippet('https://cc.example', 'romashka', 'ru')).toBe(
      '<script src="https://cc.example/widget.js" data-tenant="romashka" data-lang="ru" async></script>',
    )
  })
})

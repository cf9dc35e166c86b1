import { describe, expect, it } from 'vitest'
import { safeHref } from './links.ts'

describe('safeHref (T6 request info links)', () => {
  it('http(s) URLs become links', () => {
    expect(safeHref('https://shop.example/landing?utm_source=ya')).toBe(
      'https://shop.example/landing?utm_source=ya',
    )
    expect(safeHref('http://127.0.0.1:8080/site/')).toBe('http://127.0.0.1:8080/site/')
  })
  it('other schemes, relative and broken URLs stay text', () => {
    for (const s of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      '//evil.example/x',
      '/relative',
      'not a url',
      '',
      null,
      undefined,
    ])
      expect(safeHref(s), String(s)).toBeNull()
  })
})

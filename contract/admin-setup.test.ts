import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { CrmCardsSchema, crmCardUrlProblem, fillCrmCardUrl, GroupInputSchema } from './admin-setup.ts'

describe('CRM card URL templates (issue 13 §2)', () => {
  it.each([
    'https://crm.example.com/contacts?phone={phone}',
    'https://crm.example.com:8443/c/{clientId}#chat-{chatId}',
    'https://amo.example.ru/search?q={name}&e={email}',
    'https://crm.example.com/',
  ])('accepts %s', (url) => expect(crmCardUrlProblem(url)).toBeNull())

  it.each([
    ['http://crm.example.com/?p={phone}', 'not https'],
    ['https://crm.example.com/?p={password}', 'unknown placeholder {password}'],
    ['https://crm.example.com/?p={}', 'unknown placeholder {}'],
    ['https://{phone}.example.com/', 'placeholder in the host'],
    ['https://user:pw@crm.example.com/', 'credentials in the URL'],
    ['javascript:alert(1)', 'not https'],
    ['crm.example.com/{phone}', 'not a URL'],
    ['https://crm.example.com/a b', 'stray brace, space or control character'],
    ['https://crm.example.com/{phone', 'stray brace, space or control character'],
    ['https://crm.example.com/\u0007', 'stray brace, space or control character'],
    ['https:///path', 'not a host name'],
  ])('refuses %s (%s)', (url, why) => expect(crmCardUrlProblem(url)).toBe(why))

  it('fills placeholders URL-encoded, so a client value cannot add a parameter', () => {
    expect(
      fillCrmCardUrl('https://crm.example.com/?p={phone}&n={name}', { phone: '+7 916', name: 'a&b=c' }),
    ).toBe('https://crm.example.com/?p=%2B7%20916&n=a%26b%3Dc')
  })

  it('at most 10 templates', () => {
    const one = { name: 'x', url: 'https://crm.example.com/' }
    expect(v.safeParse(CrmCardsSchema, { templates: Array(10).fill(one) }).success).toBe(true)
    expect(v.safeParse(CrmCardsSchema, { templates: Array(11).fill(one) }).success).toBe(false)
  })
})

describe('group input', () => {
  const ok = {
    name: 'Sales',
    extension: '200',
    strategy: 'sequential',
    ringTimeoutSec: 20,
    takesChats: true,
    memberIds: [],
  }
  it('takes a group; refuses bad extensions, strategies, ring times, repeated members', () => {
    expect(v.safeParse(GroupInputSchema, ok).success).toBe(true)
    const id = '00000000-0000-4000-8000-000000000001'
    for (const bad of [
      { ...ok, extension: '1' },
      { ...ok, extension: '1234567' },
      { ...ok, extension: '2O0' },
      { ...ok, strategy: 'random' },
      { ...ok, ringTimeoutSec: 4 },
      { ...ok, ringTimeoutSec: 301 },
      { ...ok, ringTimeoutSec: 20.5 },
      { ...ok, memberIds: [id, id] },
      { ...ok, name: '' },
      { ...ok, name: '\ud800' },
    ])
      expect(v.safeParse(GroupInputSchema, bad).success, JSON.stringify(bad)).toBe(false)
  })
})

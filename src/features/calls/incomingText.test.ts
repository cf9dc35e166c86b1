/** C1: the incoming screen's text — context instead of raw numbers, the number once. */
import { describe, expect, it } from 'vitest'
import { callText, consultText, incomingText } from './incomingText.ts'

const base = { name: null, remoteName: null, number: '+79164000000', virtualNumber: null }

describe('incomingText', () => {
  it('a known client: the name, the number once under it, their initial', () => {
    const t = incomingText({ ...base, name: 'Ivan Petrov', remoteName: '+7 916 400-00-00' })
    expect(t).toMatchObject({ title: 'Ivan Petrov', initial: 'I' })
    expect(t.number).toMatch(/^\+7 916 400/)
  })
  it('an unknown number: the formatted number as the title, not again below, and no initial ("+")', () => {
    const t = incomingText({ ...base, remoteName: '+7 916 400-00-00' })
    expect(t.title).toMatch(/^\+7 916 400/)
    expect(t.number).toBeNull()
    expect(t.initial).toBeNull()
  })
  it('a caller ID passed on as the "name" is the number again: shown once, formatted', () => {
    const t = incomingText({ ...base, name: '+79164000000', remoteName: '+79164000000' })
    expect(t.title).toMatch(/^\+7 916 400/)
    expect(t.number).toBeNull()
    expect(t.initial).toBeNull()
  })
  it('8-prefixed and +7 caller IDs are the same number, shown one way', () => {
    const a = incomingText({ ...base, number: '89164000000' })
    const b = incomingText({ ...base, number: '+7 (916) 400-00-00' })
    expect(a.title).toBe(b.title)
  })
  it('the virtual number by its name and source, else formatted', () => {
    const v = { ...base, virtualNumber: '+74951204560' }
    expect(incomingText({ ...v, virtualNumberName: 'Sales', virtualNumberSource: 'website' }).via).toBe(
      'Sales · website',
    )
    expect(incomingText({ ...v, virtualNumberName: 'Sales', virtualNumberSource: '' }).via).toBe('Sales')
    expect(incomingText({ ...v, virtualNumberName: 'Sales' }).viaNumber).toBeNull()
    expect(incomingText(v)).toMatchObject({ via: null, viaNumber: expect.stringMatching(/^\+7 495 120/) })
    expect(incomingText(base)).toMatchObject({ via: null, viaNumber: null })
  })
  it('who transferred the call', () => {
    expect(incomingText({ ...base, transferredByName: 'Anna' }).transferredBy).toBe('Anna')
    expect(incomingText(base).transferredBy).toBeNull()
  })
  it('a colleague by extension keeps the extension as is', () => {
    const t = incomingText({ ...base, name: 'Anna', number: '101' })
    expect(t).toMatchObject({ title: 'Anna', number: '101', initial: 'A' })
  })
})

describe('a number a site visitor typed (probe 12 UI #9)', () => {
  const given = { ...base, given: true, remoteName: '+79164000000' }
  it('is the title, tagged, with the book’s client as a "maybe" — never as the caller’s name', () => {
    const t = incomingText({ ...given, name: 'Sasha', maybe: { name: ' Alexander Petrov ', clientId: 'c1' } })
    expect(t.title).toMatch(/^\+7 916 400/)
    expect(t).toMatchObject({ number: null, initial: null, given: true })
    expect(t.maybe).toEqual({ name: 'Alexander Petrov', clientId: 'c1' })
  })
  it('matching nobody: tagged, no "maybe"', () => {
    expect(incomingText(given)).toMatchObject({ given: true, maybe: null })
  })
  it('a number known from the network is not tagged and has no "maybe"', () => {
    const t = incomingText({ ...base, name: 'Ivan', maybe: { name: 'X', clientId: null } })
    expect(t).toMatchObject({ title: 'Ivan', given: false, maybe: null })
  })
})

describe('callText (the in-call screen says what the incoming one said)', () => {
  const info = { name: null, number: '', virtualNumber: '+74951204560', clientId: null }
  it('a site call: the number once, formatted; the line by its name, not "Called +7495…"; who transferred it', () => {
    const t = callText(
      {
        ...info,
        number: '+79164000000',
        virtualNumberName: 'Sales',
        virtualNumberSource: 'website',
        transferredByName: 'Anna',
      },
      { remote: 'guest-5f2a', remoteName: '+79164000000' },
    )
    expect(t.title).toMatch(/^\+7 916 400/)
    expect(t).toMatchObject({ number: null, initial: null, via: 'Sales · website', viaNumber: null })
    expect(t.transferredBy).toBe('Anna')
  })
  it('before the mirror knows the call: what SIP said, formatted', () => {
    const t = callText(info, { remote: '89164000000', remoteName: null })
    expect(t.title).toMatch(/^\+7 916 400/)
    expect(t.viaNumber).toMatch(/^\+7 495 120/)
  })
  it('a known name keeps the formatted number under it', () => {
    const t = callText({ ...info, name: 'Ivan Petrov', number: '+79164000000' }, { remote: 'x' })
    expect(t).toMatchObject({ title: 'Ivan Petrov', initial: 'I' })
    expect(t.number).toMatch(/^\+7 916 400/)
  })
})

describe('consultText (probe 12 #15)', () => {
  const a = {
    callId: 'x',
    number: '+79164000000',
    contactName: null,
    virtualNumber: '+74951204560',
    virtualNumberName: 'Sales',
    virtualNumberSource: 'website',
  }
  it('the client’s number once, formatted, and the line he called by its name', () => {
    expect(consultText(a, 'Website visitor')).toBe('+7 916 400 00 00 (Sales · website)')
  })
  it('a known client by name; an unnamed line by its number; a site caller with no number', () => {
    expect(
      consultText(
        { ...a, contactName: 'Иван Петров', virtualNumberName: '', virtualNumberSource: null },
        'x',
      ),
    ).toBe('Иван Петров, +7 916 400 00 00 (+7 495 120 45 60)')
    expect(
      consultText(
        { ...a, number: 'guest-abc', virtualNumber: null, virtualNumberName: null },
        'Посетитель сайта',
      ),
    ).toBe('Посетитель сайта (website)')
  })
})

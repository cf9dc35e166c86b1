/** SPEC K1, A4: picked phone contacts kept on this device, and their names by number. */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../store/db.ts'
import { forgetPicked, keepPicked, namesByNumber, pickerSupported, pickFromPhone } from './index.ts'

/** A stand-in for features/calls/phoneFormat.ts `toE164` (the core gets its normaliser from the caller). */
const toE164 = (raw: string) => {
  const d = raw.replace(/\D/g, '').replace(/^8(\d{10})$/, '7$1')
  return d.length >= 11 ? `+${d}` : null
}
const g = globalThis as { navigator?: unknown }
const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
const withNavigator = (value: unknown) =>
  Object.defineProperty(globalThis, 'navigator', { value, configurable: true, writable: true })
afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'navigator', original)
  else delete g.navigator
})

describe('phone book (K1, A4)', () => {
  it('the picker is there only when navigator.contacts.select is', async () => {
    withNavigator({})
    expect(pickerSupported()).toBe(false)
    await expect(pickFromPhone()).rejects.toThrow()
    withNavigator({ contacts: { getProperties: async () => ['name', 'tel'] } })
    expect(pickerSupported()).toBe(false)
    withNavigator({
      contacts: {
        select: async (props: string[], opts: { multiple: boolean }) => {
          expect(props).toEqual(['name', 'tel'])
          expect(opts).toEqual({ multiple: true })
          return [
            { name: ['  Мама '], tel: ['8 916 111-22-33', '+7 916 111 22 44'] },
            { name: [], tel: [] },
          ]
        },
        getProperties: async () => ['name', 'tel'],
      },
    })
    expect(pickerSupported()).toBe(true)
    expect(await pickFromPhone()).toEqual([
      { name: 'Мама', tels: ['8 916 111-22-33', '+7 916 111 22 44'] },
      { name: '', tels: [] },
    ])
  })

  it('keeps contacts by E.164 (one name per number, newest wins) and forgets them', async () => {
    const d = openDb(`pb-${Date.now()}`)
    const kept = await keepPicked(
      d,
      [
        { name: 'Мама', tels: ['8 916 111-22-33', 'not a number'] },
        { name: 'Nobody', tels: ['12'] },
        { name: '', tels: ['+79161112299'] },
        { name: 'Work', tels: ['+380 44 123 4567', '+380441234567'] },
        { name: 'x'.repeat(500), tels: ['+79161112200'] },
      ],
      toE164,
    )
    expect(kept).toBe(3)
    const names = async () => namesByNumber(await d.phoneBook.toArray())
    expect(await names()).toEqual(
      new Map([
        ['+79161112233', 'Мама'],
        ['+380441234567', 'Work'],
        ['+79161112200', 'x'.repeat(100)],
      ]),
    )
    await keepPicked(d, [{ name: 'Mum', tels: ['+7 916 111 22 33'] }], toE164)
    expect((await names()).get('+79161112233')).toBe('Mum')
    expect(await d.phoneBook.count()).toBe(3)
    await forgetPicked(d)
    expect(await d.phoneBook.count()).toBe(0)
    d.close()
  })
})

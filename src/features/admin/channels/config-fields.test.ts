import { describe, expect, it } from 'vitest'
import { CONNECTABLE_KINDS } from '../../../../contract/channels.ts'
import { en } from '../../../lib/i18n/en.ts'
import { ru } from '../../../lib/i18n/ru.ts'
import { allConfigNames, configBody, configInputs, draftOf, fieldsOfError } from './config-fields.ts'

describe('the Channels screen’s fields (T1)', () => {
  it('types each setting from CHANNEL_CONFIG: secrets, numbers, switches, optional marked', () => {
    const email = new Map(configInputs('email').map((f) => [f.name, f]))
    expect(email.get('relayPort')).toMatchObject({ input: 'number', optional: true })
    expect(email.get('relaySecure')).toMatchObject({ input: 'boolean', optional: true })
    expect(email.get('relayPassword')).toMatchObject({ input: 'secret', optional: true })
    expect(configInputs('telegram_bot')[0]).toEqual({ name: 'token', input: 'secret', optional: false })
    expect(configInputs('sms')).toEqual([{ name: 'url', input: 'text', optional: false }])
  })

  it('every setting of every kind has a label and a hint in English and Russian', () => {
    const dicts: Record<string, Record<string, string>> = { en, ru }
    for (const name of allConfigNames())
      for (const [lang, d] of Object.entries(dicts))
        for (const k of [`channels.field.${name}`, `channels.fieldHint.${name}`])
          expect(d[k], `${lang} ${k}`).toBeTruthy()
    for (const kind of CONNECTABLE_KINDS) expect(en[`channels.kind.${kind}` as keyof typeof en]).toBeTruthy()
  })

  it('sends filled settings as their types; an empty secret is left out so PATCH keeps it', () => {
    const draft = { relayHost: ' smtp.example.com ', relayPort: '587', relayPassword: '', relaySecure: true }
    expect(configBody('email', draft, ['g1'])).toEqual({
      groupIds: ['g1'],
      relayHost: 'smtp.example.com',
      relayPort: 587,
      relaySecure: true,
    })
  })

  it('a stored channel’s draft: secrets start empty, numbers as text, switches as booleans', () => {
    expect(
      draftOf('email', { relayHost: 'h', relayPort: 25, relayPassword: '••••abcd', relaySecure: false }),
    ).toEqual({ relayHost: 'h', relayPort: '25', relayUser: '', relayPassword: '', relaySecure: false })
  })

  it('finds the field a coded error names; an address taken names the address', () => {
    expect([...fieldsOfError('E_VALIDATION', ['config.token: a bot token', 'name: Invalid length'])]).toEqual(
      [
        ['config.token', 'a bot token'],
        ['name', 'Invalid length'],
      ],
    )
    expect([...fieldsOfError('E_VALIDATION', ['config.groupIds.0: Invalid UUID'])]).toEqual([
      ['groups', 'Invalid UUID'],
    ])
    expect(fieldsOfError('E_PROVIDER_URL_PRIVATE', ['config.url: a private address']).has('config.url')).toBe(
      true,
    )
    expect(
      fieldsOfError('E_CHANNEL_ADDRESS_DOMAIN', ['address: must be <name>@demo.frontline.local']).get(
        'address',
      ),
    ).toBe('must be <name>@demo.frontline.local')
    expect([...fieldsOfError('E_CHANNEL_ADDRESS_TAKEN', [])]).toEqual([['address', '']])
    expect(fieldsOfError('E_PROVIDER', []).size).toBe(0)
    expect(fieldsOfError('E_VALIDATION', ['config: website chat is set elsewhere']).size).toBe(0)
  })
})

/** The tenant CLI's arguments (issue 13 item 1): checked by the same schema as the internal route. */
import { describe, expect, it } from 'vitest'
import { describeAnswer, parseCommand } from './tenant-cli.ts'

describe('npm run tenant -- …', () => {
  it('reads create, list, suspend and reactivate', () => {
    expect(
      parseCommand([
        'create',
        '--name',
        'ООО Ромашка',
        '--slug',
        'Romashka',
        '--seats',
        '10',
        '--admin-login',
        'Boss@Romashka',
      ]),
    ).toEqual({
      command: 'create',
      tenant: { name: 'ООО Ромашка', slug: 'romashka', seats: 10, adminLogin: 'boss@romashka' },
    })
    expect(parseCommand(['list'])).toEqual({ command: 'list' })
    expect(parseCommand(['suspend', 'romashka'])).toEqual({ command: 'suspend', slug: 'romashka' })
    expect(parseCommand(['reactivate', 'romashka'])).toEqual({ command: 'reactivate', slug: 'romashka' })
  })

  it('refuses what the route would refuse, naming the field', () => {
    expect(() =>
      parseCommand(['create', '--name', 'X', '--slug', 'x', '--seats', '10', '--admin-login', 'a@b']),
    ).toThrow(/slug/)
    expect(() =>
      parseCommand(['create', '--name', 'X', '--slug', 'good', '--seats', 'many', '--admin-login', 'a@b']),
    ).toThrow(/seats/)
    expect(() => parseCommand(['suspend'])).toThrow()
    expect(() => parseCommand(['drop', 'everything'])).toThrow()
    expect(() => parseCommand(['suspend', 'a\u0000b'])).toThrow()
  })

  it('prints the one-time password once, with the login', () => {
    const out = describeAnswer(
      { command: 'create', tenant: { name: 'R', slug: 'romashka', seats: 3, adminLogin: 'boss@romashka' } },
      {
        tenant: {
          id: 'x',
          name: 'R',
          slug: 'romashka',
          sipDomain: 'romashka.frontline.local',
          seats: 3,
          employees: 1,
          suspended: false,
          createdAt: '',
        },
        admin: { login: 'boss@romashka', password: 'Abc123Abc123' },
      },
    )
    expect(out.match(/Abc123Abc123/g)).toHaveLength(1)
    expect(out).toContain('boss@romashka')
  })
})

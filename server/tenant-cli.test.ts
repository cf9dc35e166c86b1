/** The tenant CLI's arguments (issue 13 item 1): checked by the same schema as the internal route. */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { InternalSignatures, SIGNATURE_HEADER } from './http/signed-internal.ts'
import { describeAnswer, parseCommand, runCommand, SERVER_FILE } from './tenant-cli.ts'

/** A DATA_DIR with the secrets file and a run/server.json pointing at `url`. */
function dataDir(secret: string, url: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-cli-'))
  fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ internalSecret: secret }))
  fs.mkdirSync(path.join(dir, 'run'))
  fs.writeFileSync(path.join(dir, SERVER_FILE), JSON.stringify({ pid: 1, internalUrl: url }))
  return dir
}

describe('probe 10 #9: the CLI never sends the internal secret', () => {
  it('to whatever answers on loopback it sends a signature the real server would take, not the secret', async () => {
    const secret = 'the-internal-secret-0123456789abcdef'
    const seen: { headers: http.IncomingHttpHeaders; body: string }[] = []
    const impostor = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        seen.push({ headers: req.headers, body })
        res.setHeader('content-type', 'application/json')
        res.end(req.url === '/api/health' ? '{"ok":true}' : '{"tenants":[]}')
      })
    })
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`
      const out = await runCommand({ command: 'list' }, { DATA_DIR: dataDir(secret, url) })
      expect(out.via).toBe('server')
      const post = seen.find((x) => x.body)
      expect(post).toBeDefined()
      expect(JSON.stringify(seen)).not.toContain(secret)
      // What it sent is a good signature over its body (the real server's check).
      expect(
        new InternalSignatures(secret).verify(post?.headers[SIGNATURE_HEADER], 'POST', '/internal/tenants'),
      ).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      impostor.close()
    }
  })

  it('a server.json pointing off loopback is refused before anything is sent', async () => {
    await expect(
      runCommand({ command: 'list' }, { DATA_DIR: dataDir('s', 'http://192.0.2.1:8080') }),
    ).rejects.toThrow(/loopback/)
  })
})

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

/** The tenant CLI's arguments (issue 13 item 1): checked by the same schema as the internal route. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirLocked, LOCK_FILE, lockDataDir } from './db/index.ts'
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

describe('probe 13 #5: the CLI never opens a data directory a server holds', () => {
  /** A process that lives until killed: a stand-in for a server holding the lock. */
  const alive = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  const emptyDataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-cli-lock-'))
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ internalSecret: 's' }))
    return dir
  }

  it('a lock held by a live process: refused, the database untouched', async () => {
    const holder = alive()
    try {
      const dir = emptyDataDir()
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${holder.pid}\n`)
      await expect(runCommand({ command: 'list' }, { DATA_DIR: dir, PORT: '1' })).rejects.toThrow(
        DataDirLocked,
      )
      expect(fs.existsSync(path.join(dir, 'pg'))).toBe(false)
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(holder.pid))
    } finally {
      holder.kill()
    }
  })

  it('a stale lock (its process gone) is taken over, and released after the command', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await once(gone, 'exit')
    const dir = emptyDataDir()
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${gone.pid}\n`)
    const out = await runCommand({ command: 'list' }, { DATA_DIR: dir, PORT: '1' })
    expect(out.via).toBe('database')
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    // While this process holds it, a second opening is refused too (PGlite cannot share it).
    const held = lockDataDir(dir)
    try {
      expect(() => lockDataDir(dir)).toThrow(DataDirLocked)
    } finally {
      held.release()
    }
    // Pids repeat after a restart: our own pid from a former life, or a live process that is not
    // Node, holds nothing.
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      for (const pid of [process.pid, sleeper.pid]) {
        fs.writeFileSync(path.join(dir, LOCK_FILE), `${pid}\n`)
        lockDataDir(dir).release()
        expect(fs.existsSync(path.join(dir, LOCK_FILE)), String(pid)).toBe(false)
      }
    } finally {
      sleeper.kill()
    }
  }, 60_000)

  it('a live server that does not answer: waited for, then a loud refusal, no fall-back', async () => {
    const holder = alive()
    // Accepts the connection, never answers: a stopped (SIGSTOP) or stalled server.
    const silent = net.createServer(() => {})
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    try {
      const dir = emptyDataDir()
      fs.mkdirSync(path.join(dir, 'run'))
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
      fs.writeFileSync(path.join(dir, SERVER_FILE), JSON.stringify({ pid: holder.pid, internalUrl: url }))
      await expect(
        runCommand({ command: 'suspend', slug: 'upperco' }, { DATA_DIR: dir }, { waitMs: 1000 }),
      ).rejects.toThrow(/does not answer; not touching its database/)
      expect(fs.existsSync(path.join(dir, 'pg'))).toBe(false)
    } finally {
      silent.close()
      holder.kill()
    }
  }, 30_000)
})

describe('probe 13 #11: the CLI prints names escaped', () => {
  it('an older name with ESC, CR/LF and a bidi override shows them as \\u{…}, on one row', () => {
    const out = describeAnswer(
      { command: 'list' },
      {
        tenants: [
          {
            id: 'x',
            name: 'Good\u202e oC liveE \u001b[31mRED\u001b[0m\nfake line',
            slug: 'ansi',
            sipDomain: 'ansi.frontline.local',
            seats: 2,
            employees: 1,
            suspended: false,
            createdAt: '',
          },
        ],
      },
    )
    expect(out.split('\n')).toHaveLength(1)
    expect(out).toContain('Good\\u{202e} oC liveE \\u{1b}[31mRED\\u{1b}[0m\\u{a}fake line')
    expect(out.includes('\u001b') || out.includes('\u202e')).toBe(false)
  })
})

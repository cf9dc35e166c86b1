/** Issue 6 item 6: the SIP and internal secrets live in DATA_DIR/secrets.json (0600), not in the database. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TestDb, targets } from '../test/dbs.ts'
import { queryRows } from './client.ts'
import { schema } from './index.ts'
import { loadSecrets, SecretsError } from './secrets.ts'

describe.each(targets)('secrets on $name', (target) => {
  let t: TestDb
  let dirs: string[]
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-secrets-'))
    dirs.push(d)
    return d
  }
  const settings = () =>
    queryRows<{ key: string; value: string }>(t.db.orm, sql`SELECT key, value FROM settings`)
  beforeEach(async () => {
    dirs = []
    t = await target.open()
  })
  afterEach(async () => {
    await t.dispose()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  it('first start: generated into secrets.json (0600); the database holds neither, the next start reads the same', async () => {
    const dir = tmp()
    const s = await loadSecrets(t.db.orm, dir)
    const file = path.join(dir, 'secrets.json')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(s)
    expect(s.sipSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = await settings()
    expect(rows.filter((r) => r.value.includes(s.sipSecret) || r.value.includes(s.internalSecret))).toEqual(
      [],
    )
    expect(await loadSecrets(t.db.orm, dir)).toEqual(s)
  })

  it('an install that kept them in settings: moved to the file, the rows deleted', async () => {
    await t.db.orm.insert(schema.settings).values([
      { key: 'sip_ephemeral_secret', value: 'old-sip-secret' },
      { key: 'internal_secret', value: 'old-internal-secret' },
    ])
    const dir = tmp()
    expect(await loadSecrets(t.db.orm, dir)).toMatchObject({
      sipSecret: 'old-sip-secret',
      internalSecret: 'old-internal-secret',
    })
    expect((await settings()).map((r) => r.key).sort()).toEqual([
      'secrets_fingerprint',
      'visitor_secret_fingerprint',
    ])
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).sipSecret).toBe(
      'old-sip-secret',
    )
  })

  it('a second instance without the file, or with another one, refuses to start', async () => {
    const first = await loadSecrets(t.db.orm, tmp())
    await expect(loadSecrets(t.db.orm, tmp())).rejects.toBeInstanceOf(SecretsError)
    const other = tmp()
    fs.writeFileSync(
      path.join(other, 'secrets.json'),
      JSON.stringify({ ...first, internalSecret: 'different' }),
    )
    await expect(loadSecrets(t.db.orm, other)).rejects.toBeInstanceOf(SecretsError)
    const copy = tmp()
    fs.copyFileSync(path.join(dirs[0]!, 'secrets.json'), path.join(copy, 'secrets.json'))
    expect(await loadSecrets(t.db.orm, copy)).toEqual(first)
  })
  it('issue 7: a secrets.json from before gets a visitor key added once; an instance with another one refuses', async () => {
    const dir = tmp()
    const file = path.join(dir, 'secrets.json')
    fs.writeFileSync(file, JSON.stringify({ sipSecret: 'sip-1', internalSecret: 'internal-1' }), {
      mode: 0o600,
    })
    const s = await loadSecrets(t.db.orm, dir)
    expect(s).toMatchObject({ sipSecret: 'sip-1', internalSecret: 'internal-1' })
    expect(s.visitorSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(s)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(await loadSecrets(t.db.orm, dir)).toEqual(s)
    const rows = await settings()
    expect(rows.filter((r) => r.value.includes(s.visitorSecret))).toEqual([])
    const other = tmp()
    fs.writeFileSync(path.join(other, 'secrets.json'), JSON.stringify({ ...s, visitorSecret: 'another' }))
    await expect(loadSecrets(t.db.orm, other)).rejects.toBeInstanceOf(SecretsError)
  })
})

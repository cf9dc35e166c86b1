/**
 * Server-wide secrets in `DATA_DIR/secrets.json` (mode 0600), never in the database (issue 6 item 6):
 * a copy of the database, or of its WAL, must not hand out the key that signs every SIP credential
 * (auth_ephemeral) or the one that opens /internal/sip. Generated at first start; an install that kept
 * them in the settings table has them moved to the file and the rows deleted.
 *
 * The database keeps only a fingerprint (sha256 of both, which reveals nothing of 256-bit random
 * values), so an instance whose file differs from the one the database was set up with — another host
 * sharing DATABASE_URL without a copy of secrets.json — refuses to start instead of issuing SIP
 * credentials Kamailio would reject.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { inArray, sql } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { settings } from './schema.ts'
import { getOrCreateSetting, getSetting } from './settings.ts'

export interface Secrets {
  /** Shared with Kamailio's auth_ephemeral. */
  sipSecret: string
  /** Header x-internal-secret on /internal/sip/*. */
  internalSecret: string
  /** HMAC key of the website visitor tokens (issue 7 §2); added to older files at their next start. */
  visitorSecret: string
}

/** Thrown when the secrets file and the database disagree; main.ts prints it and exits. */
export class SecretsError extends Error {}

export const SECRETS_FILE = 'secrets.json'
const LEGACY_KEYS = ['sip_ephemeral_secret', 'internal_secret']
const FINGERPRINT_KEY = 'secrets_fingerprint'
/** Its own fingerprint: the first one (sip + internal) must stay what older installs stored. */
const VISITOR_FINGERPRINT_KEY = 'visitor_secret_fingerprint'

const random = () => crypto.randomBytes(32).toString('base64url')
const fingerprint = (s: Pick<Secrets, 'sipSecret' | 'internalSecret'>) =>
  crypto.createHash('sha256').update(`${s.sipSecret}\n${s.internalSecret}`).digest('hex')

type FileSecrets = Omit<Secrets, 'visitorSecret'> & { visitorSecret?: string }

function readFile(file: string): FileSecrets | null {
  let raw: string
  try {
    raw = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  const s = JSON.parse(raw) as Partial<Secrets>
  if (
    typeof s.sipSecret !== 'string' ||
    typeof s.internalSecret !== 'string' ||
    !s.sipSecret ||
    !s.internalSecret ||
    (s.visitorSecret !== undefined && (typeof s.visitorSecret !== 'string' || !s.visitorSecret))
  )
    throw new SecretsError(`${file} is damaged: it must hold sipSecret and internalSecret`)
  return {
    sipSecret: s.sipSecret,
    internalSecret: s.internalSecret,
    ...(s.visitorSecret ? { visitorSecret: s.visitorSecret } : {}),
  }
}

/** Rewrites the file with `s` (temp file + rename: a reader sees the old or the new file, never half). */
function replaceFile(file: string, s: Secrets): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, `${JSON.stringify(s, null, 2)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/** Creates the file with `s` unless it exists (atomic: temp file + link); returns what the file holds. */
function createFile(file: string, s: Secrets): FileSecrets {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, `${JSON.stringify(s, null, 2)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    fs.linkSync(tmp, file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  } finally {
    fs.unlinkSync(tmp)
  }
  return readFile(file) ?? s
}

/** Loads the secrets from `dataDir/secrets.json`, creating it (or moving them out of the database) once. */
export async function loadSecrets(q: Queryable, dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, SECRETS_FILE)
  let secrets: FileSecrets | null = readFile(file)
  const [sipSecret, internalSecret] = await Promise.all(LEGACY_KEYS.map((k) => getSetting(q, k)))
  if (!secrets) {
    if (sipSecret && internalSecret) secrets = { sipSecret, internalSecret }
    else if (await getSetting(q, FINGERPRINT_KEY))
      throw new SecretsError(
        `${file} is missing, but the database was set up with secrets: copy secrets.json from the ` +
          'DATA_DIR of the instance that created them (every instance sharing a database needs the same file).',
      )
    else secrets = { sipSecret: random(), internalSecret: random() }
    secrets = createFile(file, { ...secrets, visitorSecret: secrets.visitorSecret ?? random() })
  }
  const fp = fingerprint(secrets)
  if ((await getOrCreateSetting(q, FINGERPRINT_KEY, () => fp)) !== fp)
    throw new SecretsError(
      `${file} does not hold the secrets this database was set up with: copy secrets.json from the ` +
        'DATA_DIR of the instance that created them.',
    )
  if (sipSecret || internalSecret) await dropLegacyRows(q)
  let visitorSecret = secrets.visitorSecret
  if (!visitorSecret) {
    // A file from before issue 7: the visitor key is added to it once.
    visitorSecret = random()
    replaceFile(file, { ...secrets, visitorSecret })
  }
  // Instances sharing a database must sign visitor tokens with the same key.
  const vfp = crypto.createHash('sha256').update(visitorSecret).digest('hex')
  if ((await getOrCreateSetting(q, VISITOR_FINGERPRINT_KEY, () => vfp)) !== vfp)
    throw new SecretsError(
      `${file} does not hold the visitor key this database was set up with: copy secrets.json from the ` +
        'DATA_DIR of the instance that created it.',
    )
  return { sipSecret: secrets.sipSecret, internalSecret: secrets.internalSecret, visitorSecret }
}

/** Deletes the old clear-text rows and rewrites the table, so its file no longer holds them. */
async function dropLegacyRows(q: Queryable): Promise<void> {
  await q.delete(settings).where(inArray(settings.key, LEGACY_KEYS))
  // Best effort: VACUUM FULL needs ownership of the table (not given on every PostgreSQL). WAL
  // segments written before keep the old values until PostgreSQL reuses them (docs/architecture.md).
  await q.execute(sql`VACUUM FULL settings`).catch(() => {})
}

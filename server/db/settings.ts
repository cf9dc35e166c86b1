/** Server-wide secrets kept in the settings table, generated on first use (never in the repo). */
import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Queryable } from './client.ts'
import { settings } from './schema.ts'

/** Returns the setting, creating it with `make()` if absent (first writer wins across instances). */
export async function getOrCreateSetting(q: Queryable, key: string, make: () => string): Promise<string> {
  await q.insert(settings).values({ key, value: make() }).onConflictDoNothing()
  const [row] = await q.select().from(settings).where(eq(settings.key, key))
  if (!row) throw new Error(`setting ${key} vanished`)
  return row.value
}

/** Reads a setting or null. */
export async function getSetting(q: Queryable, key: string): Promise<string | null> {
  const [row] = await q.select().from(settings).where(eq(settings.key, key))
  return row?.value ?? null
}

/** Writes a setting. */
export async function putSetting(q: Queryable, key: string, value: string): Promise<void> {
  await q.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } })
}

export interface Secrets {
  /** Shared with Kamailio's auth_ephemeral. */
  sipSecret: string
  /** Header x-internal-secret on /internal/sip/*. */
  internalSecret: string
}

const random = () => crypto.randomBytes(32).toString('base64url')

/** Loads (creating at first start) the server's secrets. */
export async function loadSecrets(q: Queryable): Promise<Secrets> {
  return {
    sipSecret: await getOrCreateSetting(q, 'sip_ephemeral_secret', random),
    internalSecret: await getOrCreateSetting(q, 'internal_secret', random),
  }
}

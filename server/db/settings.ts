/** Server-wide settings (key/value), created on first use; secrets are not kept here (secrets.ts). */
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

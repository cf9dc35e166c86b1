/**
 * SPEC T1's channel table on the operator's outgoing files (contract/capabilities.ts): a file, image
 * or voice message the chat's channel cannot carry is refused with E_CHANNEL_CAPABILITY when the
 * operator sends it — before an upload's bytes are read, and for a stored file (a template's
 * attachment) by its row — so nothing is queued that the provider would refuse.
 */
import { and, eq } from 'drizzle-orm'
import { channelRefusal, refusalText } from '../../../contract/capabilities.ts'
import { CHANNEL_CAPABILITIES, type ChannelKind } from '../../../contract/chats.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'

/**
 * E_CHANNEL_CAPABILITY when `channel` cannot carry the file; details: the refusal's code, then the
 * reason in Russian and in English.
 */
export function assertChannelCarries(
  channel: ChannelKind,
  f: { kind: 'file' | 'voice'; name: string; size?: number | null | undefined },
): void {
  const caps = CHANNEL_CAPABILITIES[channel]
  const why = channelRefusal(caps, f)
  if (!why) return
  const text = refusalText(caps, why, f.name)
  throw new AppError('E_CHANNEL_CAPABILITY', [why, text.ru, text.en])
}

/** The same for a stored file of the tenant by id (a missing one is left to the caller's check). */
export async function assertChannelCarriesStored(
  q: Queryable,
  tenantId: string,
  channel: ChannelKind,
  fileId: string,
): Promise<void> {
  const [f] = await q
    .select({ name: schema.files.name, size: schema.files.size, durationMs: schema.files.durationMs })
    .from(schema.files)
    .where(and(eq(schema.files.tenantId, tenantId), eq(schema.files.id, fileId)))
  if (!f) return
  assertChannelCarries(channel, { kind: f.durationMs != null ? 'voice' : 'file', name: f.name, size: f.size })
}

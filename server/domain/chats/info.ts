/**
 * T6: where a chat's client came from — the request info recorded at first contact (the widget's
 * landing page, referrer and UTM; an adapter's listing or address written to) with the channel
 * account it came through and the client's address there. Whoever may see the chat may see this.
 */
import { and, eq } from 'drizzle-orm'
import type { ChatInfoResponse } from '../../../contract/channels.ts'
import type { ChannelKind } from '../../../contract/chats.ts'
import { type Queryable, schema } from '../../db/index.ts'
import { getChat } from './operator.ts'
import type { Viewer } from './views.ts'

const { channels, chats } = schema

/** The chat's request info and channel account (E_NOT_FOUND unless the viewer may see the chat). */
export async function chatInfo(q: Queryable, v: Viewer, chatId: string): Promise<ChatInfoResponse> {
  const chat = await getChat(q, v, chatId)
  const [row] = await q
    .select({
      clientAddress: chats.clientAddress,
      kind: channels.kind,
      name: channels.name,
      address: channels.address,
    })
    .from(chats)
    .leftJoin(channels, and(eq(channels.tenantId, chats.tenantId), eq(channels.id, chats.channelId)))
    .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
  return {
    requestInfo: chat.requestInfo,
    channel: row?.kind
      ? { kind: row.kind as ChannelKind, name: row.name ?? '', address: row.address ?? null }
      : null,
    clientAddress: row?.clientAddress ?? null,
  }
}

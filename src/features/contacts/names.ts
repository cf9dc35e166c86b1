/** How a client's channels read on the client card. */
import { CHANNEL_KINDS } from '../../../contract/chats.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'

/** Bidi controls (as the Requests screens drop them from client text). */
export const BIDI = /[\u202A-\u202E\u2066-\u2069]/g

/** A channel kind by its name for people ("WhatsApp", not "whatsapp"); an unknown kind as it is. */
export function channelKindName(kind: string): string {
  return (CHANNEL_KINDS as readonly string[]).includes(kind) ? t(`channels.kind.${kind}` as MessageKey) : kind
}

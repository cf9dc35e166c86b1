/**
 * Connecting channels (SPEC A5, T1), the omnichannel option (A5), writing first (T10) and a chat's
 * request info (T6). Requests are valibot schemas; answers are plain types. docs/api.md is the prose.
 *
 * A channel's provider settings are data per kind (CHANNEL_CONFIG): which fields it takes, how each
 * is checked, and which are secrets (never shown again after connecting — reads show a masked hint).
 * Website chat keeps its own route (/api/admin/channels/webchat).
 */
import * as v from 'valibot'
import {
  CHANNEL_CAPABILITIES,
  CHANNEL_KINDS,
  type ChannelKind,
  MESSAGE_MAX_CHARS,
  type RequestInfo,
} from './chats.ts'
import { text } from './text.ts'

/** Channel kinds an admin connects here (webchat has its own settings route). */
export const CONNECTABLE_KINDS = CHANNEL_KINDS.filter((k) => k !== 'webchat') as Exclude<
  ChannelKind,
  'webchat'
>[]
export type ConnectableKind = Exclude<ChannelKind, 'webchat'>

const uuid = v.pipe(text, v.uuid())
/** A provider's base URL (stand-ins in tests, a provider or our gateway in production): http(s) only. */
const baseUrl = v.pipe(text, v.maxLength(500), v.url(), v.regex(/^https?:\/\//i, 'must be http(s)'))
const token = v.pipe(text, v.minLength(1), v.maxLength(500), v.regex(/^[\x21-\x7e]+$/, 'printable ASCII'))
const digits = v.pipe(text, v.regex(/^\d{1,30}$/, 'digits only'))
const shortText = v.pipe(text, v.minLength(1), v.maxLength(200))

/** One provider setting: its check and whether it is a secret (masked on every read). */
interface ConfigField {
  schema: v.GenericSchema
  secret?: boolean
  optional?: boolean
}

/**
 * Per kind, the provider settings it takes (besides groupIds, the chat distribution) — the names the
 * adapters read (server/channels/*), one name per setting. Secrets the provider gives us (tokens, app
 * secrets) are settings here; the secret the server generates (`channel.secret`, shown once) is the one
 * we hand the provider: Meta's verify token, VK's secret, Telegram's secret_token, the gateway's HMAC key.
 */
export const CHANNEL_CONFIG: Record<ConnectableKind, Record<string, ConfigField>> = {
  whatsapp: {
    phoneNumberId: { schema: digits },
    accessToken: { schema: token, secret: true },
    /** Meta's app secret: X-Hub-Signature-256 of every webhook is made with it. */
    appSecret: { schema: token, secret: true },
    baseUrl: { schema: baseUrl, optional: true },
  },
  /** Telegram personal accounts: through a gateway speaking our protocol (gateway/frontline.ts). */
  telegram: { url: { schema: baseUrl } },
  telegram_bot: {
    token: {
      schema: v.pipe(token, v.regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token')),
      secret: true,
    },
    /** A local Bot API server (TELEGRAM_API_BASE overrides it). */
    apiBase: { schema: baseUrl, optional: true },
  },
  viber: {
    /** The bot's auth token: sent as X-Viber-Auth-Token, and Viber signs its callbacks with it. */
    authToken: { schema: token, secret: true },
    senderName: { schema: v.pipe(text, v.minLength(1), v.maxLength(28)), optional: true },
    baseUrl: { schema: baseUrl, optional: true },
    /** This server's public address for the file links Viber fetches (else env PUBLIC_BASE_URL). */
    publicBaseUrl: { schema: baseUrl, optional: true },
  },
  messenger: {
    pageId: { schema: digits, optional: true },
    pageAccessToken: { schema: token, secret: true },
    appSecret: { schema: token, secret: true },
    baseUrl: { schema: baseUrl, optional: true },
  },
  vk: {
    groupId: { schema: digits, optional: true },
    accessToken: { schema: token, secret: true },
    /** The string VK's `confirmation` call must be answered with (community → Callback API). */
    confirmation: { schema: shortText },
    baseUrl: { schema: baseUrl, optional: true },
  },
  avito: {
    /** The account whose chats these are (its own messages are not the client's). */
    userId: { schema: digits },
    /** OAuth client credentials (the token is fetched and kept) — or a fixed accessToken. */
    clientId: { schema: token, optional: true },
    clientSecret: { schema: token, secret: true, optional: true },
    accessToken: { schema: token, secret: true, optional: true },
    baseUrl: { schema: baseUrl, optional: true },
  },
  autoru: { url: { schema: baseUrl } },
  email: {
    /** The tenant's SMTP relay for replies (the server's SMTP_RELAY_URL when none). */
    relayHost: { schema: v.pipe(text, v.regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name')), optional: true },
    relayPort: { schema: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), optional: true },
    relayUser: { schema: shortText, optional: true },
    relayPassword: { schema: token, secret: true, optional: true },
    relaySecure: { schema: v.boolean(), optional: true },
  },
  /** SMS: through a gateway speaking our protocol (gateway/frontline.ts) — no aggregator claimed. */
  sms: { url: { schema: baseUrl } },
}

/**
 * Kinds reached through a gateway speaking our documented protocol (no public provider API): they
 * share one webhook path, `/api/hooks/gateway/<key>`, and take only the gateway's `url`.
 */
export const GATEWAY_PROTOCOL_KINDS: readonly ConnectableKind[] = ['telegram', 'autoru', 'sms']

/** The valibot schema of a kind's config, built from CHANNEL_CONFIG (unknown keys refused). */
export function channelConfigSchema(kind: ConnectableKind) {
  const entries: Record<string, v.GenericSchema> = {
    groupIds: v.optional(v.pipe(v.array(uuid), v.maxLength(100))),
  }
  for (const [name, f] of Object.entries(CHANNEL_CONFIG[kind]))
    entries[name] = f.optional ? v.optional(f.schema) : f.schema
  return v.strictObject(entries)
}

/** What a channel is known as to clients: an e-mail, a phone, a @name, a bot name … */
const address = v.pipe(text, v.trim(), v.minLength(1), v.maxLength(320))

/** POST /api/admin/channels: connect a channel of a kind; config is checked per kind by the server. */
export const ConnectChannelSchema = v.strictObject({
  kind: v.picklist(CONNECTABLE_KINDS),
  name: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100)),
  address: v.optional(v.nullable(address)),
  config: v.optional(v.record(v.pipe(text, v.maxLength(50)), v.unknown())),
})
export type ConnectChannel = v.InferOutput<typeof ConnectChannelSchema>

/**
 * PATCH /api/admin/channels/:id: change a channel's name, address, provider settings (merged into the
 * stored ones: a secret left out keeps its value, so the masked hint never has to be sent back) and
 * the minutes after which its quiet chats complete by themselves (null = never).
 */
export const ChannelSettingsSchema = v.strictObject({
  name: v.optional(v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100))),
  address: v.optional(v.nullable(address)),
  config: v.optional(v.record(v.pipe(text, v.maxLength(50)), v.unknown())),
  autoCompleteMinutes: v.optional(
    v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(7 * 24 * 60))),
  ),
})
export type ChannelSettings = v.InferOutput<typeof ChannelSettingsSchema>

/** A channel as admins see it later: secrets only as a masked hint. */
export interface ChannelAdminView {
  id: string
  kind: ChannelKind
  name: string
  address: string | null
  connected: boolean
  /** The path the provider calls (`/api/hooks/<kind>/<key>`); null for webchat and e-mail by SMTP. */
  webhookPath: string | null
  /** The webhook secret as `••••abcd` (its last four characters), or null. */
  secretHint: string | null
  /** The provider settings, secret ones masked the same way. */
  config: Record<string, unknown>
  /** Quiet chats complete by themselves after this many minutes (null = never). */
  autoCompleteMinutes: number | null
  createdAt: string
}

/** Answer of connecting and of rotating: the only time the secret is shown. */
export interface ChannelSecretResponse {
  channel: ChannelAdminView
  secret: string
  webhookKey: string
  /** The absolute URL to give the provider (built from the request's host). */
  webhookUrl: string
}

/** PATCH /api/admin/features (A5): the tenant's options an admin may switch. */
export const FeaturesSchema = v.strictObject({ omni: v.boolean() })
export interface FeaturesResponse {
  features: { softphone: boolean; omni: boolean }
  /** GET only: what switching omni off touches now — active employees, open (new/in work) chats. */
  omniImpact?: { employees: number; openChats: number }
}

// ── T10 write first ───────────────────────────────────────────────────────

/** The kinds of address an operator types to write first. */
export type AddressKind = 'phone' | 'email' | 'username'

/**
 * Which channel kinds can reach each kind of address (T10, the Ringostat article): a phone → WhatsApp,
 * Telegram personal, SMS; an e-mail → e-mail; a @username → Telegram. A channel is offered when its
 * kind is listed here and CHANNEL_CAPABILITIES says it may write first.
 */
export const WRITE_FIRST_REACH: Record<AddressKind, ChannelKind[]> = {
  phone: ['whatsapp', 'telegram', 'sms'],
  email: ['email'],
  username: ['telegram'],
}

/** The channel kinds that may write first to an address kind (the two tables together). */
export const writeFirstKinds = (a: AddressKind): ChannelKind[] =>
  WRITE_FIRST_REACH[a].filter((k) => CHANNEL_CAPABILITIES[k].writeFirst)

const rawAddress = v.pipe(text, v.trim(), v.minLength(1), v.maxLength(320))

/** GET /api/chats/write-first?address=… (T10 Find). */
export const WriteFirstFindSchema = v.strictObject({ address: rawAddress })

/** A channel the operator may write first through. */
export interface WriteFirstChannel {
  id: string
  kind: ChannelKind
  name: string
  address: string | null
}

export interface WriteFirstFindResponse {
  /** The address normalised (E.164 phone, lower-case e-mail, @username). */
  address: string
  addressKind: AddressKind
  channels: WriteFirstChannel[]
  /** The address-book client with this address, when there is one. */
  client: { id: string; name: string } | null
}

/** POST /api/chats/write-first (T10 send). */
export const WriteFirstSchema = v.strictObject({
  channelId: uuid,
  address: rawAddress,
  clientMsgId: uuid,
  text: v.pipe(text, v.minLength(1), v.maxLength(MESSAGE_MAX_CHARS)),
  /** For a new client in the address book. */
  clientName: v.optional(v.pipe(text, v.trim(), v.maxLength(100))),
})
export type WriteFirst = v.InferOutput<typeof WriteFirstSchema>

// ── T6 request info ───────────────────────────────────────────────────────

/** GET /api/chats/:id/info: where the client came from and through which channel account. */
export interface ChatInfoResponse {
  requestInfo: RequestInfo | null
  channel: { kind: ChannelKind; name: string; address: string | null } | null
  /** The client's address on the channel (E.164 phone, e-mail, chat id …). */
  clientAddress: string | null
}

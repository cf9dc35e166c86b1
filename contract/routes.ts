/**
 * The HTTP API as one type map: `"METHOD /path"` → what it takes and answers (docs/api.md is the
 * prose). The server's typed router (server/http/scope.ts) checks each handler's answer against it;
 * the app calls by the key (src/lib/api): `api('GET /api/calls/:id', { params: { id } })`.
 * `body` and `query` are the request schemas' *input* types (what a caller sends; the server
 * validates it into the output type). Add a route's entry with the route (server/http/routes-contract.test.ts
 * fails for a registered route missing here). 204 answers are `undefined`.
 */
import type * as v from 'valibot'
import type {
  AuditPage,
  AuditQuerySchema,
  ChangePasswordResponse,
  ChangePasswordSchema,
  CreateEmployeeSchema,
  EditEmployeeSchema,
  EmployeeAdminView,
  EmployeePasswordResponse,
  EmployeesAdminResponse,
  TenantCommandAnswer,
  TenantCommandSchema,
} from './admin.ts'
import type {
  CrmCards,
  CrmCardsSchema,
  GroupAdminView,
  GroupInputSchema,
  VirtualNumberInputSchema,
  VirtualNumberView,
} from './admin-setup.ts'
import type {
  ClientSearchQuery,
  ClientView,
  EmployeeView,
  GroupView,
  HealthResponse,
  LoginBody,
  LoginResponse,
  Me,
  SessionInfo,
  SetStatusBody,
  SipSettings,
  StatusesResponse,
} from './api.ts'
// C5 transfer grants and call settings (issue 11 §1).
import type {
  CallDetails,
  CallListQuery,
  CallPage,
  CallSettings,
  CallSettingsSchema,
  CallView,
  GatewayCredentials,
  GatewayCredentialsBody,
  HandleMissedResponse,
  MissedListQuery,
  RecordingUploaded,
  SipDialogBody,
  SipReferAnswer,
  SipReferBody,
  SipRegistrationBody,
  SipRouteAnswer,
  SipRouteBody,
  SiteCallCredentials,
  SiteCallCredentialsBody,
  SiteNumbers,
  SiteNumbersBody,
  TransferTargetView,
} from './calls.ts'
import type {
  ChannelAdminView,
  ChannelSecretResponse,
  ChannelSettingsSchema,
  ChatInfoResponse,
  ConnectChannelSchema,
  FeaturesResponse,
  FeaturesSchema,
  WriteFirstFindResponse,
  WriteFirstFindSchema,
  WriteFirstSchema,
} from './channels.ts'
import type {
  AcceptResponse,
  AutoCompleteSchema,
  ChatListQuerySchema,
  ChatSettings,
  ChatSettingsSchema,
  ChatsResponse,
  ChatTransferTarget,
  ChatUploadQuerySchema,
  ChatView,
  EmployeeChatSettingsSchema,
  FileUploadQuerySchema,
  FileView,
  MessagesQuerySchema,
  MessagesResponse,
  MessageView,
  ReadSchema,
  SendMessageSchema,
  SendResponse,
  SendStoredFileSchema,
  SharedTemplateSchema,
  TemplateSchema,
  TemplateView,
  TransferOfferView,
  TransferResponse,
  TransferSchema,
  WebchatSettings,
  WebchatSettingsSchema,
} from './chats.ts'
import type { AddClientContactSchema, NewClientSchema } from './client-contacts.ts'
import type {
  ContactImportSchema,
  CrmContactsSecret,
  CrmContactsSettingsSchema,
  CrmContactsView,
  CrmPushSchema,
  ImportPreview,
  ImportResult,
} from './contact-import.ts'
import type {
  CrmSendResponse,
  CrmWebhookSchema,
  CrmWebhookView,
  LeadFormSchema,
  LeadView,
  ScheduledListResponse,
  ScheduledView,
  ScheduleEditSchema,
  ScheduleSchema,
} from './leads.ts'
import type { SiteCallbackBody, SiteCallbackResponse } from './missed.ts'
import type {
  PushSubscriptionBody,
  PushSubscriptionView,
  PushUnsubscribeSchema,
  VapidKeyResponse,
} from './push.ts'
import type { StatusMatrixSchema } from './status.ts'
import type {
  ForceStatusSchema,
  OperatorsQuerySchema,
  OperatorsResponse,
  WorkloadQuerySchema,
  WorkloadReport,
} from './supervisor.ts'
import type { TimelineResponse } from './timeline.ts'
import type {
  InsiderQuery,
  InsiderView,
  OnsiteView,
  TrackPingSchema,
  TrackViewResponse,
  TrackViewSchema,
} from './tracking.ts'
import type {
  VisitorOpenQuery,
  VisitorOpenResponse,
  VisitorReadSchema,
  VisitorSendResponse,
  VisitorSendSchema,
  VisitorSessionResponse,
  VisitorSessionSchema,
  VisitorUploadQuery,
  VisitorUploadResponse,
} from './visitor.ts'

/** What a caller sends for a schema (before defaults and transforms). */
type In<S extends v.GenericSchema> = v.InferInput<S>

/** GET /api/me. */
export interface MeResponse {
  me: Me
  sip: SipSettings | null
}

/** PUT /api/me/status. */
export interface SetStatusResponse {
  status: string
  at: string
}

/** POST /internal/sip/dialog. */
export interface SipDialogAnswer {
  ok: true
  outcome: 'applied' | 'ignored'
}

export interface ApiRoutes {
  'GET /api/health': { reply: HealthResponse }
  'POST /api/auth/login': { body: In<typeof LoginBody>; reply: LoginResponse }
  'POST /api/auth/logout': { reply: undefined }
  'GET /api/auth/sessions': { reply: SessionInfo[] }
  'DELETE /api/auth/sessions/:id': { reply: undefined }
  'GET /api/me': { reply: MeResponse }
  'PUT /api/me/status': { body: In<typeof SetStatusBody>; reply: SetStatusResponse }
  'GET /api/statuses': { reply: StatusesResponse }
  'PUT /api/statuses': { body: { matrix: In<typeof StatusMatrixSchema> }; reply: StatusesResponse }
  'GET /api/contacts/employees': { reply: EmployeeView[] }
  'GET /api/contacts/groups': { reply: GroupView[] }
  'GET /api/contacts/clients': { query: In<typeof ClientSearchQuery>; reply: ClientView[] }
  'GET /api/contacts/clients/:id': { reply: ClientView }
  'GET /api/calls': { query: In<typeof CallListQuery>; reply: CallPage }
  'GET /api/calls/missed': { query: In<typeof MissedListQuery>; reply: CallPage }
  'GET /api/calls/transfer-targets': { reply: TransferTargetView[] }
  'GET /api/calls/:id': { reply: CallDetails }
  'POST /api/calls/missed/:id/handle': { reply: HandleMissedResponse }
  /** Audio bytes (200/206/416), not JSON. */
  'GET /api/calls/:id/recording': { reply: unknown }
  'PUT /api/calls/recording/:sipCallId': { reply: RecordingUploaded }
  'POST /api/site/call-credentials': { body: In<typeof SiteCallCredentialsBody>; reply: SiteCallCredentials }
  'POST /api/site/numbers': { body: In<typeof SiteNumbersBody>; reply: SiteNumbers }
  'POST /api/admin/sip/gateway-credentials': {
    body?: In<typeof GatewayCredentialsBody>
    reply: GatewayCredentials
  }
  'GET /api/chats': { query: In<typeof ChatListQuerySchema>; reply: ChatsResponse }
  'GET /api/chats/:id': { reply: AcceptResponse }
  'GET /api/chats/:id/messages': { query: In<typeof MessagesQuerySchema>; reply: MessagesResponse }
  'POST /api/chats/:id/accept': { reply: AcceptResponse }
  'POST /api/chats/:id/open': { reply: AcceptResponse }
  'POST /api/chats/:id/messages': {
    body: In<typeof SendMessageSchema> | In<typeof SendStoredFileSchema>
    reply: SendResponse
  }
  /** Raw bytes; the facts in the query (ChatUploadQuerySchema). */
  'POST /api/chats/:id/files': { query: In<typeof ChatUploadQuerySchema>; reply: SendResponse }
  'POST /api/chats/:id/read': { body: In<typeof ReadSchema>; reply: AcceptResponse }
  'POST /api/chats/:id/complete': { reply: AcceptResponse }
  /** Raw bytes, `?name=`. */
  'POST /api/files': { query: In<typeof FileUploadQuerySchema>; reply: FileView }
  /** The file's bytes (200/206/416), not JSON. */
  'GET /api/files/:id': { reply: unknown }
  'GET /api/templates': { reply: { templates: TemplateView[] } }
  'POST /api/templates': { body: In<typeof TemplateSchema>; reply: { template: TemplateView } }
  'PATCH /api/templates/:id': { body: In<typeof TemplateSchema>; reply: { template: TemplateView } }
  'PUT /api/templates/:id': { body: In<typeof TemplateSchema>; reply: { template: TemplateView } }
  'DELETE /api/templates/:id': { reply: undefined }
  'POST /api/admin/templates': { body: In<typeof SharedTemplateSchema>; reply: { template: TemplateView } }
  'PATCH /api/admin/templates/:id': {
    body: In<typeof SharedTemplateSchema>
    reply: { template: TemplateView }
  }
  'DELETE /api/admin/templates/:id': { reply: undefined }
  /** T3's Accept button, and (issue 13) name, role, extension, mobile. */
  'PATCH /api/admin/employees/:id': {
    body: In<typeof EmployeeChatSettingsSchema> | In<typeof EditEmployeeSchema>
    reply: { employee: EmployeeAdminView; id: string; acceptButton: boolean }
  }
  'GET /api/admin/channels/webchat': { reply: WebchatSettings }
  'PUT /api/admin/channels/webchat': { body: In<typeof WebchatSettingsSchema>; reply: WebchatSettings }
  'POST /internal/sip/route': { body: In<typeof SipRouteBody>; reply: SipRouteAnswer }
  'POST /internal/sip/dialog': { body: In<typeof SipDialogBody>; reply: SipDialogAnswer }
  // The website visitor's API (server/channels/webchat/http.ts; Bearer = the visitor token).
  'POST /api/visitor/session': { body: In<typeof VisitorSessionSchema>; reply: VisitorSessionResponse }
  'POST /api/visitor/messages': { body: In<typeof VisitorSendSchema>; reply: VisitorSendResponse }
  'POST /api/visitor/read': { body: In<typeof VisitorReadSchema>; reply: { ok: boolean } }
  /** Raw bytes; the facts in the query. */
  'POST /api/visitor/files': { query: In<typeof VisitorUploadQuery>; reply: VisitorUploadResponse }
  /** The file's bytes (200/206/416), not JSON. */
  'GET /api/visitor/files/:id': { reply: unknown }
  /** A5: may the widget show its launcher (website chat connected, omnichannel on)? */
  'GET /api/visitor/open': { query: In<typeof VisitorOpenQuery>; reply: VisitorOpenResponse }
  'POST /internal/sip/registration': { body: In<typeof SipRegistrationBody>; reply: undefined }
  'POST /internal/sip/refer': { body: In<typeof SipReferBody>; reply: SipReferAnswer }
  'GET /api/calls/transfer-settings': { reply: CallSettings }
  'PUT /api/admin/call-settings': { body: In<typeof CallSettingsSchema>; reply: CallSettings }
  /** Telegram's webhook (server/channels/telegram/http.ts): a raw Update, the secret in a header. */
  'POST /api/hooks/telegram_bot/:key': { reply: { ok: boolean } }
  // Leads (T11), scheduled messages (T12), the CRM hand-off (T13): server/http/leads.ts, scheduled.ts, crm.ts.
  'POST /api/site/leads': { body: In<typeof LeadFormSchema>; reply: { id: string } }
  'GET /api/leads': { reply: { leads: LeadView[] } }
  'POST /api/leads/:id/open': { reply: { lead: LeadView } }
  'POST /api/leads/:id/complete': { reply: { lead: LeadView } }
  'GET /api/chats/:id/scheduled': { reply: ScheduledListResponse }
  'POST /api/chats/:id/scheduled': { body: In<typeof ScheduleSchema>; reply: { scheduled: ScheduledView } }
  'PATCH /api/scheduled/:id': { body: In<typeof ScheduleEditSchema>; reply: { scheduled: ScheduledView } }
  'DELETE /api/scheduled/:id': { reply: { scheduled: ScheduledView } }
  'GET /api/admin/crm-webhook': { reply: CrmWebhookView }
  /** Keeps the signing key of an existing webhook; `secret` only when a new webhook is created. */
  'PUT /api/admin/crm-webhook': { body: In<typeof CrmWebhookSchema>; reply: CrmWebhookView }
  /** A new signing key, shown this once (probe 13 UI #7). */
  'POST /api/admin/crm-webhook/secret': { reply: Required<CrmWebhookView> }
  'DELETE /api/admin/crm-webhook': { reply: undefined }
  'POST /api/chats/:id/crm': { reply: CrmSendResponse }
  // A5/T1 channels and the omnichannel option (server/http/admin-channels.ts).
  'GET /api/admin/channels': { reply: { channels: ChannelAdminView[] } }
  'POST /api/admin/channels': { body: In<typeof ConnectChannelSchema>; reply: ChannelSecretResponse }
  'POST /api/admin/channels/:id/secret': { reply: ChannelSecretResponse }
  'POST /api/admin/channels/:id/disconnect': { reply: { channel: ChannelAdminView } }
  'PATCH /api/admin/channels/:id': {
    body: In<typeof ChannelSettingsSchema>
    reply: { channel: ChannelAdminView }
  }
  'GET /api/admin/features': { reply: FeaturesResponse }
  'PATCH /api/admin/features': { body: In<typeof FeaturesSchema>; reply: FeaturesResponse }
  // T10 write first, T6 request info (server/http/write-first.ts).
  'GET /api/chats/write-first': { query: In<typeof WriteFirstFindSchema>; reply: WriteFirstFindResponse }
  'POST /api/chats/write-first': {
    body: In<typeof WriteFirstSchema>
    reply: { chat: ChatView; message: MessageView | null; created: boolean }
  }
  'GET /api/chats/:id/info': { reply: ChatInfoResponse }
  // The chat lifecycle (issue 9: T7 transfer, T8 settings).
  'GET /api/chats/transfer-targets': { reply: ChatTransferTarget[] }
  'POST /api/chats/:id/transfer': { body: In<typeof TransferSchema>; reply: TransferResponse }
  'GET /api/transfers': { reply: { offers: TransferOfferView[] } }
  'POST /api/transfers/:id/accept': { reply: { offer: TransferOfferView } }
  'POST /api/transfers/:id/decline': { reply: { offer: TransferOfferView } }
  'GET /api/admin/chat-settings': { reply: ChatSettings }
  'PUT /api/admin/chat-settings': { body: In<typeof ChatSettingsSchema>; reply: ChatSettings }
  'PUT /api/admin/channels/:id/auto-complete': {
    body: In<typeof AutoCompleteSchema>
    reply: { channelId: string; minutes: number | null }
  }
  // Messenger and SMS webhooks (server/channels/gateway/): raw provider payloads, signatures checked there.
  /** Meta's webhook verification: the hub.challenge as text. */
  'GET /api/hooks/whatsapp/:key': { reply: unknown }
  'POST /api/hooks/whatsapp/:key': { reply: { ok: boolean } }
  'POST /api/hooks/viber/:key': { reply: { ok: boolean } }
  'GET /api/hooks/messenger/:key': { reply: unknown }
  'POST /api/hooks/messenger/:key': { reply: { ok: boolean } }
  /** Text: the confirmation string, or ok. */
  'POST /api/hooks/vk/:key': { reply: unknown }
  'POST /api/hooks/avito/:key': { reply: { ok: boolean } }
  'POST /api/hooks/gateway/:key': { reply: { ok: boolean } }
  /** A chat file by a signed, expiring link (for providers that fetch media by URL: Viber). */
  'GET /api/public-files/:token/:name': { reply: unknown }
  // Web Push (issue 10 §1, server/push/).
  'GET /api/push/vapid-key': { reply: VapidKeyResponse }
  'POST /api/push/subscriptions': { body: PushSubscriptionBody; reply: PushSubscriptionView }
  'DELETE /api/push/subscriptions': { body: In<typeof PushUnsubscribeSchema>; reply: undefined }
  // Issue 13 §2: groups, virtual numbers, CRM card templates (server/http/admin-setup.ts).
  'GET /api/admin/groups': { reply: { groups: GroupAdminView[] } }
  'POST /api/admin/groups': { body: In<typeof GroupInputSchema>; reply: { group: GroupAdminView } }
  'PUT /api/admin/groups/:id': { body: In<typeof GroupInputSchema>; reply: { group: GroupAdminView } }
  'DELETE /api/admin/groups/:id': { reply: undefined }
  'GET /api/admin/numbers': { reply: { numbers: VirtualNumberView[] } }
  'POST /api/admin/numbers': {
    body: In<typeof VirtualNumberInputSchema>
    reply: { number: VirtualNumberView }
  }
  'PUT /api/admin/numbers/:id': {
    body: In<typeof VirtualNumberInputSchema>
    reply: { number: VirtualNumberView }
  }
  'DELETE /api/admin/numbers/:id': { reply: undefined }
  'GET /api/admin/crm-cards': { reply: CrmCards }
  'PUT /api/admin/crm-cards': { body: In<typeof CrmCardsSchema>; reply: CrmCards }
  // Issue 13, administration (server/http/admin-*.ts).
  'GET /api/admin/audit': { query: In<typeof AuditQuerySchema>; reply: AuditPage }
  'GET /api/admin/employees': { reply: EmployeesAdminResponse }
  'POST /api/admin/employees': { body: In<typeof CreateEmployeeSchema>; reply: EmployeePasswordResponse }
  'POST /api/admin/employees/:id/password': { reply: EmployeePasswordResponse }
  'POST /api/admin/employees/:id/deactivate': { reply: { employee: EmployeeAdminView } }
  'POST /api/admin/employees/:id/reactivate': { reply: { employee: EmployeeAdminView } }
  'PUT /api/me/password': { body: In<typeof ChangePasswordSchema>; reply: ChangePasswordResponse }
  /** C10: the operator declined this call when it rang them (it joins their My calls). */
  'POST /api/calls/declined/:sipCallId': { reply: CallView }
  /** The tenant CLI (scripts/tenant.ts) through the running server. */
  'POST /internal/tenants': { body: In<typeof TenantCommandSchema>; reply: TenantCommandAnswer }
  // Issue 11 §4–5 (C9): Undo of a mark, and the site visitor's call-back request (server/http/missed.ts).
  'POST /api/calls/missed/:id/undo': { reply: HandleMissedResponse }
  'POST /api/site/callback': { body: In<typeof SiteCallbackBody>; reply: SiteCallbackResponse }
  // Issue 12 §1–3: tracking snippet, Insider, clients on site (server/http/tracking.ts).
  'POST /api/track/view': { body: In<typeof TrackViewSchema>; reply: TrackViewResponse }
  'POST /api/track/ping': { body: In<typeof TrackPingSchema>; reply: { ok: true } }
  'POST /api/track/leave': { body: In<typeof TrackPingSchema>; reply: { ok: true } }
  'GET /api/insider/visitors/:id': { query: In<typeof InsiderQuery>; reply: { insider: InsiderView } }
  'GET /api/insider/calls/:sipCallId': {
    query: In<typeof InsiderQuery>
    reply: { insider: InsiderView | null }
  }
  'GET /api/insider/chats/:id': { query: In<typeof InsiderQuery>; reply: { insider: InsiderView | null } }
  'GET /api/insider/clients/:id': { query: In<typeof InsiderQuery>; reply: { insider: InsiderView | null } }
  'GET /api/onsite': { reply: { visitors: OnsiteView[] } }
  // Issue 12 §4, the supervisor's screens S3/S4 (server/http/supervisor.ts).
  'GET /api/supervisor/operators': { query: In<typeof OperatorsQuerySchema>; reply: OperatorsResponse }
  'PUT /api/supervisor/operators/:id/status': {
    body: In<typeof ForceStatusSchema>
    reply: SetStatusResponse
  }
  'GET /api/supervisor/workload': { query: In<typeof WorkloadQuerySchema>; reply: WorkloadReport }
  // Issue 12 §5, K2: the client card's timeline (server/http/contacts.ts).
  'GET /api/contacts/clients/:id/timeline': { reply: TimelineResponse }
  // K3: add a client contact (server/http/contacts.ts).
  'POST /api/contacts/clients': { body: In<typeof NewClientSchema>; reply: ClientView }
  'POST /api/contacts/clients/:id/contacts': { body: In<typeof AddClientContactSchema>; reply: ClientView }
  // Issue 12 §6, K3: the admin's CSV import of clients (server/http/contact-import.ts).
  'POST /api/admin/contacts/import/preview': { body: In<typeof ContactImportSchema>; reply: ImportPreview }
  'POST /api/admin/contacts/import': { body: In<typeof ContactImportSchema>; reply: ImportResult }
  // K3: contacts a CRM pushes, signed (server/http/crm-contacts.ts).
  'POST /api/hooks/crm-contacts/:key': {
    body: In<typeof CrmPushSchema>
    reply: { created: number; updated: number }
  }
  'GET /api/admin/crm-contacts': { reply: CrmContactsView }
  'POST /api/admin/crm-contacts/secret': { reply: CrmContactsSecret }
  'PUT /api/admin/crm-contacts': { body: In<typeof CrmContactsSettingsSchema>; reply: CrmContactsView }
}

export type ApiRouteKey = keyof ApiRoutes
/** What a route answers. */
export type ApiReply<K extends ApiRouteKey> = ApiRoutes[K]['reply']
/** What a route takes as its JSON body (never when it takes none). */
export type ApiBody<K extends ApiRouteKey> = ApiRoutes[K] extends { body: infer B } ? B : never
/** What a route takes in its query string (never when it takes none). */
export type ApiQuery<K extends ApiRouteKey> = ApiRoutes[K] extends { query: infer Q } ? Q : never

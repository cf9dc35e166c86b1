/**
 * The HTTP API as one type map: `"METHOD /path"` → what it takes and answers (docs/api.md is the
 * prose). The server's typed router (server/http/scope.ts) checks each handler's answer against it;
 * the app can type a call by its key: `api<ApiReply<'GET /api/calls'>>('GET', '/api/calls')`.
 * Add a route's entry with the route. 204 answers are `undefined`.
 */
import type {
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
import type {
  CallDetails,
  CallListQuery,
  CallPage,
  GatewayCredentials,
  HandleMissedResponse,
  MissedListQuery,
  RecordingUploaded,
  SipDialogBody,
  SipRegistrationBody,
  SipRouteAnswer,
  SipRouteBody,
  SiteCallCredentials,
  SiteCallCredentialsBody,
  TransferTargetView,
} from './calls.ts'
import type {
  AcceptResponse,
  ChatListQuery,
  ChatsResponse,
  ChatUploadQuery,
  FileView,
  MessagesResponse,
  SendMessage,
  SendResponse,
  SendStoredFile,
  SharedTemplateBody,
  TemplateBody,
  TemplateView,
  WebchatSettings,
} from './chats.ts'
import type { StatusMatrix } from './status.ts'

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
  'POST /api/auth/login': { body: LoginBody; reply: LoginResponse }
  'POST /api/auth/logout': { reply: undefined }
  'GET /api/auth/sessions': { reply: SessionInfo[] }
  'DELETE /api/auth/sessions/:id': { reply: undefined }
  'GET /api/me': { reply: MeResponse }
  'PUT /api/me/status': { body: SetStatusBody; reply: SetStatusResponse }
  'GET /api/statuses': { reply: StatusesResponse }
  'PUT /api/statuses': { body: { matrix: StatusMatrix }; reply: StatusesResponse }
  'GET /api/contacts/employees': { reply: EmployeeView[] }
  'GET /api/contacts/groups': { reply: GroupView[] }
  'GET /api/contacts/clients': { query: { q?: string; limit?: number }; reply: ClientView[] }
  'GET /api/contacts/clients/:id': { reply: ClientView }
  'GET /api/calls': { query: CallListQuery; reply: CallPage }
  'GET /api/calls/missed': { query: MissedListQuery; reply: CallPage }
  'GET /api/calls/transfer-targets': { reply: TransferTargetView[] }
  'GET /api/calls/:id': { reply: CallDetails }
  'POST /api/calls/missed/:id/handle': { reply: HandleMissedResponse }
  /** Audio bytes (200/206/416), not JSON. */
  'GET /api/calls/:id/recording': { reply: unknown }
  'PUT /api/calls/recording/:sipCallId': { reply: RecordingUploaded }
  'POST /api/site/call-credentials': { body: SiteCallCredentialsBody; reply: SiteCallCredentials }
  'POST /api/admin/sip/gateway-credentials': { reply: GatewayCredentials }
  'GET /api/chats': { query: ChatListQuery; reply: ChatsResponse }
  'GET /api/chats/:id': { reply: AcceptResponse }
  'GET /api/chats/:id/messages': { query: { before?: string }; reply: MessagesResponse }
  'POST /api/chats/:id/accept': { reply: AcceptResponse }
  'POST /api/chats/:id/open': { reply: AcceptResponse }
  'POST /api/chats/:id/messages': { body: SendMessage | SendStoredFile; reply: SendResponse }
  /** Raw bytes; the facts in the query (ChatUploadQuerySchema). */
  'POST /api/chats/:id/files': { query: ChatUploadQuery; reply: SendResponse }
  'POST /api/chats/:id/read': { body: { upToN: number }; reply: AcceptResponse }
  'POST /api/chats/:id/complete': { reply: AcceptResponse }
  /** Raw bytes, `?name=`. */
  'POST /api/files': { query: { name: string }; reply: FileView }
  /** The file's bytes (200/206/416), not JSON. */
  'GET /api/files/:id': { reply: unknown }
  'GET /api/templates': { reply: { templates: TemplateView[] } }
  'POST /api/templates': { body: TemplateBody; reply: { template: TemplateView } }
  'PATCH /api/templates/:id': { body: TemplateBody; reply: { template: TemplateView } }
  'PUT /api/templates/:id': { body: TemplateBody; reply: { template: TemplateView } }
  'DELETE /api/templates/:id': { reply: undefined }
  'POST /api/admin/templates': { body: SharedTemplateBody; reply: { template: TemplateView } }
  'PATCH /api/admin/templates/:id': { body: SharedTemplateBody; reply: { template: TemplateView } }
  'DELETE /api/admin/templates/:id': { reply: undefined }
  'PATCH /api/admin/employees/:id': {
    body: { acceptButton: boolean }
    reply: { id: string; acceptButton: boolean }
  }
  'GET /api/admin/channels/webchat': { reply: WebchatSettings }
  'PUT /api/admin/channels/webchat': { body: WebchatSettings; reply: WebchatSettings }
  'POST /internal/sip/route': { body: SipRouteBody; reply: SipRouteAnswer }
  'POST /internal/sip/dialog': { body: SipDialogBody; reply: SipDialogAnswer }
  'POST /internal/sip/registration': { body: SipRegistrationBody; reply: undefined }
}

export type ApiRouteKey = keyof ApiRoutes
/** What a route answers. */
export type ApiReply<K extends ApiRouteKey> = ApiRoutes[K]['reply']
/** What a route takes as its JSON body (never when it takes none). */
export type ApiBody<K extends ApiRouteKey> = ApiRoutes[K] extends { body: infer B } ? B : never

/** Kamailio integration: ephemeral credentials, guest lines, registrations, the internal-call guard. */
export {
  domainCredentials,
  ephemeralCredentials,
  SIP_CREDENTIAL_TTL_S,
  type SipConfig,
  sipSettings,
} from './credentials.ts'
export { fetchLiveCallIds, liveCallIds } from './dialogs.ts'
export { isGuestOf, issueGuest, siteNumbers } from './guests.ts'
export { internalAllowed } from './internal-auth.ts'
export { LINEBAN_TABLE, lineBans, syncAllLines, syncTenantLines } from './lineban.ts'
export { dropVanished, recordRegistration, registeredUsers } from './registrations.ts'
export { lineAddress, readDialogReport, readReferReport, readRouteRequest, sourceAddress } from './reports.ts'
export { kamailioRpc, type RpcCall, RpcError, type RpcFailure } from './rpc.ts'
export { parseSipUri, replacesCallId, type SipUriParts } from './uri.ts'
export { aorsInDump, dumpUsrloc } from './usrloc.ts'

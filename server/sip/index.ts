/** Kamailio integration: ephemeral credentials, guest lines, registrations, the internal-call guard. */
export {
  credentialExpiry,
  domainCredentials,
  ephemeralCredentials,
  SIP_CREDENTIAL_TTL_S,
  type SipConfig,
  sipSettings,
} from './credentials.ts'
export { dialogHandles, endDialogs, fetchLiveCallIds, liveCallIds } from './dialogs.ts'
export { isGuestOf, issueGuest, siteNumbers } from './guests.ts'
export { internalAllowed } from './internal-auth.ts'
export {
  contactsInDump,
  LINEBAN_TABLE,
  LINENB_TABLE,
  lineBans,
  syncAllLines,
  syncTenantLines,
} from './lineban.ts'
export { dropVanished, recordRegistration, registeredUsers } from './registrations.ts'
export { lineAddress, readDialogReport, readReferReport, readRouteRequest, sourceAddress } from './reports.ts'
export { kamailioRpc, type RpcCall, RpcError, type RpcFailure } from './rpc.ts'
export { parseSipUri, replacesCallId, type SipUriParts } from './uri.ts'
export { aorsInDump, dumpUsrloc } from './usrloc.ts'

/** Kamailio integration: ephemeral credentials, guest lines, registrations, the internal-call guard. */
export {
  domainCredentials,
  ephemeralCredentials,
  GATEWAY_USER,
  GUEST_PREFIX,
  SIP_CREDENTIAL_TTL_S,
} from './credentials.ts'
export { fetchLiveCallIds, liveCallIds } from './dialogs.ts'
export { dropOldGuestHits, GUEST_LIMITS, type GuestLimit, guestHit, sourceAddress } from './guest-limits.ts'
export { GUEST_TTL_S, isGuestOf, issueGuest } from './guests.ts'
export { internalAllowed } from './internal-auth.ts'
export { dropVanished, recordRegistration, registeredUsers } from './registrations.ts'
export { kamailioRpc, type RpcCall, RpcError, type RpcFailure } from './rpc.ts'
export { parseSipUri, replacesCallId, type SipUriParts } from './uri.ts'
export { aorsInDump, dumpUsrloc } from './usrloc.ts'

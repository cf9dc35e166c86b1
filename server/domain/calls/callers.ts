/**
 * Who may place a call besides employees (pbx/README.md "Guests and the gateway"): the tenant's demo
 * "phone network" account and the demo site's one-off guest lines. These are facts of the calls
 * domain; server/sip issues their credentials with them.
 */

/** The SIP user of the demo "phone network" account (S1 mobile column, C5 transfer to a number). */
export const GATEWAY_USER = 'gateway'

/** Demo-site caller users look like this (route: only virtual numbers, SPEC issue 3 §6). */
export const GUEST_PREFIX = 'guest-'

/** A guest line lives minutes: enough for a call (issue 6 §4). */
export const GUEST_TTL_S = 15 * 60

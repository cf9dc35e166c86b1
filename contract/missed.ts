/**
 * Missed calls a team can work (SPEC C9, issue 11 §4–5): undoing a mark, and the website visitor's
 * call-back request when nobody could answer. Requests are valibot schemas the server validates with.
 */
import * as v from 'valibot'
import { text } from './text.ts'

/**
 * POST /api/site/callback (no session, rate limited per address and per visitor): the visitor leaves a
 * number. `phone` is read by libphonenumber-js on the server (E_NUMBER_INVALID when it is no number);
 * `name` is text the operator sees as text; `number` is the virtual number he tried to call.
 */
export const SiteCallbackBody = v.strictObject({
  tenant: v.pipe(text, v.trim(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  phone: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(40)),
  name: v.optional(v.pipe(text, v.trim(), v.maxLength(100)), ''),
  number: v.optional(v.pipe(text, v.trim(), v.maxLength(40)), ''),
  /** The chat widget's visitor token (issue 7 §2): the request is then his. */
  visitorToken: v.optional(v.pipe(text, v.maxLength(400))),
  /**
   * The guest line he called on (the SIP credentials /api/site/call-credentials gave him): his missed
   * calls on it without a number get this one, so they fold into one row with the request.
   */
  line: v.optional(
    v.strictObject({
      username: v.pipe(text, v.maxLength(300)),
      password: v.pipe(text, v.maxLength(100)),
    }),
  ),
})
export type SiteCallbackBody = v.InferOutput<typeof SiteCallbackBody>

/** The answer: the request's id (a missed call of the shared list). */
export interface SiteCallbackResponse {
  id: string
}

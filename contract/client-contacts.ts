/**
 * SPEC K3: add a client contact — a new client, or a number / e-mail added to an existing one — from
 * call history, a chat or during a call. `callId` / `chatId` link that call or chat to the client so
 * his card's timeline shows it at once.
 */
import * as v from 'valibot'
import { text } from './text.ts'

const phone = v.pipe(
  text,
  v.trim(),
  v.regex(/^\+?[0-9][0-9 ()-]{3,30}$/),
  v.transform((p) => p.replace(/[^\d+]/g, '')),
)
const email = v.pipe(text, v.trim(), v.maxLength(254), v.email(), v.toLowerCase())
const uuid = v.pipe(text, v.uuid())

/** POST /api/contacts/clients. */
export const NewClientSchema = v.strictObject({
  name: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(100)),
  phone: v.optional(phone),
  email: v.optional(email),
  callId: v.optional(uuid),
  chatId: v.optional(uuid),
})
export type NewClient = v.InferOutput<typeof NewClientSchema>

/** POST /api/contacts/clients/:id/contacts: at least a phone or an e-mail. */
export const AddClientContactSchema = v.pipe(
  v.strictObject({
    phone: v.optional(phone),
    email: v.optional(email),
    callId: v.optional(uuid),
    chatId: v.optional(uuid),
  }),
  v.check((x) => Boolean(x.phone || x.email), 'a phone or an e-mail'),
)
export type AddClientContact = v.InferOutput<typeof AddClientContactSchema>

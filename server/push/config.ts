/** The push options from the environment (main.ts); docs/api.md lists them. */
import fs from 'node:fs'
import type { PushOptions } from './send.ts'

/**
 * PUSH_SUBJECT: the VAPID contact (mailto: or https:). PUSH_ALLOW_PRIVATE=1: endpoints on loopback
 * and private networks are accepted (tests, development — never in production: SSRF).
 * PUSH_CA_FILE: a PEM certificate to trust for push services (a local stand-in's self-signed one).
 */
export function pushOptionsFromEnv(env: NodeJS.ProcessEnv): PushOptions {
  const subject = env.PUSH_SUBJECT?.trim()
  if (subject && !/^(mailto:|https:\/\/)/.test(subject))
    throw new Error(`PUSH_SUBJECT must be a mailto: or https:// contact, got "${subject}"`)
  return {
    allowPrivate: env.PUSH_ALLOW_PRIVATE === '1',
    ...(env.PUSH_CA_FILE ? { ca: fs.readFileSync(env.PUSH_CA_FILE, 'utf8') } : {}),
    ...(subject ? { subject } : {}),
  }
}

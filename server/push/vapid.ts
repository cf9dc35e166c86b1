/**
 * The server's VAPID key pair (RFC 8292): generated at first start and kept in the settings table, so
 * every instance and every restart signs with the same key — a browser's subscription is bound to the
 * public key it was made with, and a new key would void every subscription. First writer wins across
 * instances (getOrCreateSetting).
 */
import webpush from 'web-push'
import { getOrCreateSetting, type Queryable } from '../db/index.ts'

export const VAPID_SETTING = 'push_vapid'

export interface VapidKeys {
  /** base64url of the uncompressed P-256 point (65 octets). */
  publicKey: string
  /** base64url of the private scalar (32 octets). */
  privateKey: string
}

/** The key pair, created on first call. */
export async function vapidKeys(q: Queryable): Promise<VapidKeys> {
  const raw = await getOrCreateSetting(q, VAPID_SETTING, () => JSON.stringify(webpush.generateVAPIDKeys()))
  const k = JSON.parse(raw) as Partial<VapidKeys>
  if (
    typeof k.publicKey !== 'string' ||
    typeof k.privateKey !== 'string' ||
    Buffer.from(k.publicKey, 'base64url').length !== 65 ||
    Buffer.from(k.privateKey, 'base64url').length !== 32
  )
    throw new Error(`setting ${VAPID_SETTING} is damaged: it must hold a P-256 key pair`)
  return { publicKey: k.publicKey, privateKey: k.privateKey }
}

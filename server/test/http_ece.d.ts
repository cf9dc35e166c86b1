/** http_ece (used by web-push) has no types of its own: the slice the push-service stand-in uses. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto'

  interface Params {
    version: 'aes128gcm' | 'aesgcm'
    privateKey?: ECDH
    authSecret?: string
    dh?: string
    keyid?: string
  }
  export function decrypt(buffer: Buffer, params: Params): Buffer
  export function encrypt(buffer: Buffer, params: Params): Buffer
  const ece: { decrypt: typeof decrypt; encrypt: typeof encrypt }
  export default ece
}

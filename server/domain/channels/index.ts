/**
 * Channels as the tenant's admin manages them (SPEC A5, T1) and the addresses operators write first
 * to (T10). The channel protocols live in server/channels/; chats in server/domain/chats/.
 */
export { type Address, DEFAULT_REGION, normaliseAddress, normalisePhone } from './address.ts'
export {
  adminView,
  type ChannelSecret,
  connectChannel,
  disconnectChannel,
  listChannels,
  maskSecret,
  removeUnusedChannel,
  rotateSecret,
  setOmni,
  tenantFeatures,
  updateChannel,
  webhookPathOf,
} from './admin.ts'

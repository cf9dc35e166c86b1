/**
 * Chats (SPEC T2–T5, N3): the chat lifecycle, messages with client ids, read and delivery markers,
 * attachments and voice messages (server/files), templates, and the inbox's admin settings. No HTTP
 * or channel protocol here: routes (server/http/chats.ts) and channel adapters (server/channels/)
 * call these. Every write is one transaction ending with its events, addressed to the chat's viewers.
 */
export { fileForEmployee, fileToSend } from './access.ts'
export {
  type AddClientMessage,
  addClientMessage,
  clientMessages,
  markClientRead,
  markDelivered,
  type OpenClientChat,
  openClientChat,
  setClientName,
} from './client.ts'
export {
  fileForRead,
  fileForVisitor,
  type StoreFileInput,
  storeFile,
  uploadRule,
  VOICE_TYPES,
} from './files.ts'
export { AUTO_COMPLETE_JOB, armAutoComplete } from './idle.ts'
export {
  type Deliverable,
  deliverable,
  type InboundMessage,
  inboundMsgId,
  openChannelChat,
  receiveInbound,
  recordDelivery,
} from './inbound.ts'
export { type BatchOutcome, receiveInboundBatch } from './inbound-batch.ts'
export { chatInfo } from './info.ts'
export { appendClosingText, idleVerdict, resumeChat } from './lifecycle.ts'
export {
  chatSettingsOf,
  chatTransferTargets,
  DEFAULT_CHAT_SETTINGS,
  mayTakeChat,
  setAutoComplete,
  setChatSettings,
} from './lifecycle-settings.ts'
export {
  acceptChat,
  COMPLETED_PAGE,
  COMPLETED_TEXT,
  completeChat,
  getChat,
  listChats,
  markOperatorRead,
  messagesOf,
  type OperatorReply,
  type OperatorUpload,
  openChat,
  sendOperatorFile,
  sendOperatorMessage,
} from './operator.ts'
export { releaseChatsOf } from './release.ts'
export { DELIVER_JOB } from './rows.ts'
export { setAcceptButton, setWebchat, type WebchatSettings, webchatSettings } from './settings.ts'
export { CHAT_TRANSITIONS, type ChatEvent, nextState } from './state.ts'
export {
  createPersonalTemplate,
  createSharedTemplate,
  deletePersonalTemplate,
  deleteSharedTemplate,
  listTemplates,
  type SharedTemplateInput,
  type TemplateInput,
  updatePersonalTemplate,
  updateSharedTemplate,
} from './templates.ts'
export {
  acceptTransfer,
  declineTransfer,
  expireTransfer,
  HANDOVER_DELAY_MS,
  handOverTransfer,
  myOffers,
  TRANSFER_EXPIRE_JOB,
  TRANSFER_HANDOVER_JOB,
  type TransferRow,
  transferChat,
  transfersByIds,
  withdrawUnavailable,
} from './transfer.ts'
export { isFinal, nextTransferState, TRANSFER_TRANSITIONS, type TransferEvent } from './transfer-state.ts'
export { sweepUnsentFiles, UNSENT_MAX_BYTES, UNSENT_SWEEP_MS, unsentBytes } from './unsent.ts'
export { audienceOf, canSee, type FileRow, type Viewer } from './views.ts'
export { findWriteFirst, type WriteFirstResult, writeFirst } from './write-first.ts'

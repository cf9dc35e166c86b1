/**
 * The file store (recordings now; chat attachments and voice messages next): tenant-scoped,
 * content-addressed, type by magic bytes, size-limited streaming uploads, Range downloads.
 */
export { acceptRawUploads, closeUnreadOnRefusal, type Download, LINGER_BYTES, sendStored } from './http.ts'
export { cleanFileName, contentDisposition } from './names.ts'
export { parseRange } from './range.ts'
export { FileStore, type PutOptions, type StoredFile } from './store.ts'
export {
  ATTACHMENT_BY_EXTENSION,
  ATTACHMENT_TYPES,
  declaredType,
  extensionOf,
  FILE_TYPES,
  type FileType,
  SNIFF_BYTES,
  sniff,
  TEXT_TYPE,
} from './types.ts'

/**
 * SPEC T4's limits on what a client or an operator may send. Plain constants with no imports, so the
 * website widget can take them without bundling the contract's schemas (valibot) onto clients' sites.
 */
/** T4: the file extensions an operator or a client may send (besides voice messages), and the size cap. */
export const ATTACHMENT_EXTENSIONS = [
  'doc',
  'docx',
  'txt',
  'jpg',
  'jpeg',
  'png',
  'xpm',
  'pdf',
  'csv',
  'xls',
  'xlsx',
  'ods',
  'odt',
  'djvu',
  'xml',
  'fb2',
  'epub',
  'gif',
  'webp',
  'mp4',
  'ogg',
  'mp3',
  'wav',
] as const
export const ATTACHMENT_MAX_BYTES = 30 * 1024 * 1024
/** A message's text (the longest a client may paste at once). */
export const MESSAGE_MAX_CHARS = 10_000

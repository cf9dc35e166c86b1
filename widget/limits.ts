/**
 * SPEC T4's attachment rules for the widget's own check before an upload. A copy of
 * contract/chats.ts's, because importing that module would bundle valibot into every client's site;
 * widget/widget.test.ts fails when the two differ.
 */
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
]
export const ATTACHMENT_MAX_BYTES = 30 * 1024 * 1024

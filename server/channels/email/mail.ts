/**
 * A client's mail as the chat needs it (issue 8 §1): parsed by mailparser, its headers cleaned (a
 * subject or a name decoded from an encoded-word may carry CR/LF or NUL — header injection if it
 * ever reached a header we write), its body as plain text. HTML is converted to text by html-to-text
 * — never rendered: scripts, styles, forms and images (tracking pixels, remote images) are dropped,
 * nothing is fetched — and the quoted history under a reply is cut.
 */
import { createHash } from 'node:crypto'
import { convert } from 'html-to-text'
import { type AddressObject, type Attachment, simpleParser } from 'mailparser'
import { MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'

export interface ParsedMail {
  /** RFC 5322 Message-ID with angle brackets; a hash of the bytes when the mail has none. */
  messageId: string
  /** In-Reply-To first, then References newest first: where a reply belongs. */
  parents: string[]
  /** The References chain as received (oldest first), for our reply's References. */
  references: string[]
  fromAddress: string | null
  fromName: string | null
  subject: string
  text: string
  attachments: MailAttachment[]
}

export interface MailAttachment {
  name: string
  contentType: string
  content: Buffer
}

const CONTROL = /[^\P{Cc}\t\n]|[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu
/** Broken UTF-16 (a lone surrogate) becomes U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/** RFC 5322 addr-spec, loosely: one @, no spaces, brackets or controls; at most 320 characters. */
const ADDRESS = /^[^\s<>()[\]\\,;:"@\p{Cc}]{1,64}@[A-Za-z0-9.-]{1,253}$/u
/** A msg-id (RFC 5322 §3.6.4): `<left@right>`, printable ASCII, no spaces or brackets inside. */
const MSG_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{1,290}>$/

/** A header value made one safe line: CR, LF, NUL and other controls become spaces. */
export function oneLine(s: string | null | undefined, max = 998): string {
  return (s ?? '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROL, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
    .slice(0, max)
}

/** An e-mail address lower-cased, or null when it is not one. */
export function normalAddress(s: string | null | undefined): string | null {
  const a = (s ?? '').trim().toLowerCase()
  return a.length <= 320 && ADDRESS.test(a) ? a : null
}

/** A Message-ID as stored (with brackets), or null when it is not one. */
export function msgId(s: string | null | undefined): string | null {
  const v = (s ?? '').trim()
  const w = v.startsWith('<') ? v : `<${v}>`
  return MSG_ID.test(w) ? w : null
}

/** The subject with its reply and forward prefixes taken off (what a thread is named by). */
export const baseSubject = (s: string) =>
  s.replace(/^(\s*(re|fwd?|aw|sv|ответ|отв|пересл)(\[\d+\])?\s*:\s*)+/i, '').trim()

/** Body text: line ends unified, controls (not tabs and newlines) removed, blank runs squeezed. */
function bodyText(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** HTML → plain text: no images (pixels, remote images), no scripts, styles or form controls. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'form', format: 'block' },
      { selector: 'input', format: 'skip' },
      { selector: 'button', format: 'skip' },
      { selector: 'select', format: 'skip' },
      { selector: 'textarea', format: 'skip' },
      { selector: 'iframe', format: 'skip' },
      { selector: 'object', format: 'skip' },
      { selector: 'svg', format: 'skip' },
      // A link shows its text only: a javascript: or tracking href is not worth showing.
      { selector: 'a', options: { ignoreHref: true } },
    ],
  })
}

/**
 * Cuts the quoted history under a reply: the trailing block of `>` lines and the attribution line
 * above it ("On … wrote:", "… написал(а):"). Text with nothing above the quote is kept whole.
 */
export function stripQuoted(text: string): string {
  const lines = text.split('\n')
  let end = lines.length
  while (end > 0 && (lines[end - 1]!.startsWith('>') || lines[end - 1]!.trim() === '')) end--
  if (end === lines.length) return text
  const attribution = /(wrote|writes|написал\(?а?\)?|пишет|писал\(?а?\)?)\s*:\s*$/i
  if (end > 0 && attribution.test(lines[end - 1]!)) end--
  const kept = lines.slice(0, end).join('\n').trim()
  return kept || text
}

const addressOf = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a[0] : a)?.value[0] ?? null

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** The text a chat message carries: at most MESSAGE_MAX_CHARS, cut with an ellipsis. */
export function fitText(s: string): string {
  return s.length <= MESSAGE_MAX_CHARS ? s : `${s.slice(0, MESSAGE_MAX_CHARS - 1)}…`
}

/** Parses a raw mail. Malformed MIME is parsed as far as it goes (mailparser is lenient). */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const m = await simpleParser(raw, {
    // Our own conversion below (no images, no forms); mailparser's would keep them.
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  })
  const from = addressOf(m.from)
  const own = msgId(m.messageId)
  const references = list(m.references)
    .flatMap((r) => r.split(/\s+/))
    .map(msgId)
    .filter((r): r is string => r !== null)
    .slice(-50)
  const inReplyTo = list(m.inReplyTo)
    .flatMap((r) => r.split(/\s+/))
    .map(msgId)
    .filter((r): r is string => r !== null)
  const plain = typeof m.text === 'string' && m.text.trim() ? m.text : ''
  const html = typeof m.html === 'string' ? m.html : ''
  const body = bodyText(plain || (html ? htmlToText(html) : ''))
  return {
    messageId: own ?? `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@frontline.invalid>`,
    parents: [...new Set([...inReplyTo, ...references.toReversed()])],
    references,
    fromAddress: normalAddress(from?.address),
    fromName: oneLine(from?.name, 200) || null,
    subject: oneLine(m.subject),
    text: stripQuoted(body),
    attachments: m.attachments.filter((a) => !a.related).map(attachmentOf),
  }
}

function attachmentOf(a: Attachment, i: number): MailAttachment {
  return {
    name: oneLine(a.filename, 255) || `attachment-${i + 1}`,
    contentType: oneLine(a.contentType, 100).toLowerCase(),
    content: a.content,
  }
}

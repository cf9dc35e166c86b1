/**
 * A client's mail as the chat needs it (issue 8 §1): parsed by mailparser, its headers cleaned (a
 * subject or a name decoded from an encoded-word may carry CR/LF or NUL — header injection if it
 * ever reached a header we write), its body as plain text. HTML is converted to text by html-to-text
 * — never rendered: scripts, styles, forms and images (tracking pixels, remote images) are dropped,
 * nothing is fetched — and the quoted history under a reply is cut.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
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

/**
 * A text in chat-message-sized parts (each at most MESSAGE_MAX_CHARS), cut at a paragraph or line break
 * or a space when one is near the end, never inside a surrogate pair. '' gives no parts.
 */
export function splitText(s: string): string[] {
  const out: string[] = []
  let rest = s.trim()
  while (rest.length > MESSAGE_MAX_CHARS) {
    const window = rest.slice(0, MESSAGE_MAX_CHARS)
    let cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '))
    if (cut < MESSAGE_MAX_CHARS * 0.8) cut = MESSAGE_MAX_CHARS
    const code = rest.charCodeAt(cut - 1)
    if (code >= 0xd800 && code <= 0xdbff) cut--
    out.push(rest.slice(0, cut).trimEnd())
    rest = rest.slice(cut).trimStart()
  }
  if (rest) out.push(rest)
  return out
}

/** The text a chat message carries: at most MESSAGE_MAX_CHARS, cut with an ellipsis. */
export function fitText(s: string): string {
  return s.length <= MESSAGE_MAX_CHARS ? s : `${s.slice(0, MESSAGE_MAX_CHARS - 1)}…`
}

/** A mail's bytes: in memory, or a file the SMTP server spooled it to (with the hash of its bytes). */
export type MailSource = Buffer | { path: string; sha256: string }

const PARSER_OPTIONS = {
  // Our own conversion below (no images, no forms); mailparser's would keep them.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
} as const
/** Forwarded mails inside forwarded mails are shown this deep; deeper ones are attachments. */
const FORWARD_DEPTH = 3
/** The most of a boundary-less multipart's body read back as text (the chat message is cut anyway). */
const RAW_BODY_BYTES = 256 * 1024
const NO_BOUNDARY =
  '[Письмо без границы частей (boundary), показано как текст / multipart mail without a boundary, shown as text]'
const FORWARDED = '---------- Пересланное письмо / Forwarded message ----------'

/** The first bytes of a mail's body (after its header), as text. */
async function rawBody(src: MailSource): Promise<string> {
  let head: Buffer
  if (Buffer.isBuffer(src)) head = src.subarray(0, RAW_BODY_BYTES + 64 * 1024)
  else {
    const f = await fs.open(src.path, 'r')
    try {
      const b = Buffer.alloc(RAW_BODY_BYTES + 64 * 1024)
      const { bytesRead } = await f.read(b, 0, b.length, 0)
      head = b.subarray(0, bytesRead)
    } finally {
      await f.close()
    }
  }
  const crlf = head.indexOf('\r\n\r\n')
  const lf = head.indexOf('\n\n')
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : head.length
  return head.subarray(end, end + RAW_BODY_BYTES).toString('utf8')
}

/** A parsed mail's own body as text: its text/plain part, else its HTML as text. */
function ownBody(m: ParsedMailparser): string {
  const plain = typeof m.text === 'string' && m.text.trim() ? m.text : ''
  const html = typeof m.html === 'string' ? m.html : ''
  return bodyText(plain || (html ? htmlToText(html) : ''))
}

type ParsedMailparser = Awaited<ReturnType<typeof simpleParser>>

/**
 * What a mail shows: its body (a multipart whose boundary is missing — mailparser would drop it — is
 * read back as text, with a note), then each forwarded mail (message/rfc822 part) as text with its
 * From, Date and Subject; the forwarded mails' attachments join the mail's.
 */
async function contentOf(
  m: ParsedMailparser,
  src: MailSource,
  depth: number,
): Promise<{ body: string; forwarded: string[]; attachments: Attachment[] }> {
  let body = ownBody(m)
  const type = m.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined
  if (!body && type?.value?.toLowerCase().startsWith('multipart/') && !type.params?.boundary)
    body = [bodyText(await rawBody(src)), NO_BOUNDARY].filter(Boolean).join('\n\n')
  const forwarded: string[] = []
  const attachments: Attachment[] = []
  for (const a of m.attachments) {
    if (a.related) continue
    if (a.contentType.toLowerCase() !== 'message/rfc822' || depth >= FORWARD_DEPTH) {
      attachments.push(a)
      continue
    }
    const inner = await simpleParser(a.content, PARSER_OPTIONS)
    const c = await contentOf(inner, a.content, depth + 1)
    const from = addressOf(inner.from)
    const name = oneLine(from?.name, 200)
    const address = oneLine(from?.address, 320)
    const date = inner.date && !Number.isNaN(inner.date.getTime()) ? inner.date.toISOString() : ''
    const head = [
      FORWARDED,
      ...(address ? [`От / From: ${name ? `${name} <${address}>` : address}`] : []),
      ...(date ? [`Дата / Date: ${date}`] : []),
      `Тема / Subject: ${oneLine(inner.subject)}`,
    ]
    const text = [c.body, ...c.forwarded].filter(Boolean).join('\n\n')
    forwarded.push([...head, ...(text ? ['', text] : [])].join('\n'))
    attachments.push(...c.attachments)
  }
  return { body, forwarded, attachments }
}

/** Parses a mail (from memory or its spooled file). Malformed MIME is parsed as far as it goes (mailparser is lenient). */
export async function parseMail(src: MailSource): Promise<ParsedMail> {
  const m = await simpleParser(Buffer.isBuffer(src) ? src : createReadStream(src.path), PARSER_OPTIONS)
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
  const { body, forwarded, attachments } = await contentOf(m, src, 0)
  const hash = Buffer.isBuffer(src) ? createHash('sha256').update(src).digest('hex') : src.sha256
  return {
    messageId: own ?? `<${hash.slice(0, 40)}@frontline.invalid>`,
    parents: [...new Set([...inReplyTo, ...references.toReversed()])],
    references,
    fromAddress: normalAddress(from?.address),
    fromName: oneLine(from?.name, 200) || null,
    subject: oneLine(m.subject),
    // The quoted history is cut from the client's own words only; a forwarded mail is shown whole.
    text: [stripQuoted(body), ...forwarded].filter(Boolean).join('\n\n'),
    attachments: attachments.map(attachmentOf),
  }
}

function attachmentOf(a: Attachment, i: number): MailAttachment {
  return {
    name: oneLine(a.filename, 255) || `attachment-${i + 1}`,
    contentType: oneLine(a.contentType, 100).toLowerCase(),
    content: a.content,
  }
}

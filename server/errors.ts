/** The server side of the coded error catalogue (contract/errors.ts). */
import { ERRORS, type ErrorBody, type ErrorCode, type Lang } from '../contract/errors.ts'

/** A domain or HTTP error with a catalogue code; the error handler turns it into `ErrorBody`. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: string[] | undefined
  constructor(code: ErrorCode, details?: string[]) {
    super(code)
    this.code = code
    this.details = details
  }
  get status(): number {
    return ERRORS[this.code].status
  }
}

/** Picks ru or en from an Accept-Language header (first of the two by q-value; en otherwise). */
export function pickLang(header: string | undefined): Lang {
  if (!header) return 'en'
  const tags = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='))
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i }
    })
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const t of tags) {
    if (t.q <= 0) continue
    if (t.tag === 'ru' || t.tag.startsWith('ru-')) return 'ru'
    if (t.tag === 'en' || t.tag.startsWith('en-')) return 'en'
  }
  return 'en'
}

/** The JSON body for a code in a language. */
export function errorBody(code: ErrorCode, lang: Lang, details?: string[]): ErrorBody {
  const body: ErrorBody = { error: { code, message: ERRORS[code][lang] } }
  if (details?.length) body.error.details = details
  return body
}

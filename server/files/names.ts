/**
 * File names are untrusted text (issue 7 "Bad input"): never a path, never a control or bidi
 * character that could disguise `evil‮gpj.exe` as `evilexe.jpg`. Stored cleaned, and sent in
 * Content-Disposition as an ASCII fallback plus RFC 8187 / RFC 6266 §4.3 `filename*`.
 */

/** C0/C1 controls (Unicode Cc), and the bidi marks, embeddings, overrides and isolates (TR9 §2). */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu

/** The last path part of `name`, without controls or bidi marks, trimmed, at most 255 characters. */
export function cleanFileName(name: string, fallback = 'file'): string {
  const base = name.replace(UNSAFE, '').split(/[\\/]/).pop() ?? ''
  const trimmed = base.trim().replace(/^\.+$/, '')
  const chars = [...(trimmed || fallback)]
  if (chars.length <= MAX_NAME) return chars.join('')
  // Too long: the stem is cut, a short extension kept (the file's type is read from it).
  const dot = chars.lastIndexOf('.')
  const ext = dot > 0 && chars.length - dot <= 17 ? chars.slice(dot) : []
  return [...chars.slice(0, MAX_NAME - ext.length), ...ext].join('')
}

/** A stored file name's limit, in characters (the files table's CHECK). */
const MAX_NAME = 255

/**
 * A Content-Disposition value for `name`: `attachment` (or `inline`), an ASCII-only `filename`
 * (anything else becomes `_`; quotes and backslashes too) and the exact name as `filename*=UTF-8''…`.
 */
export function contentDisposition(name: string, inline = false): string {
  const clean = cleanFileName(name)
  const ascii = clean.replace(/[^\x20-\x7e]|["\\%;]/g, '_')
  const encoded = encodeURIComponent(clean).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** Byte ranges for downloads (RFC 9110 §14), so <audio> can seek in a stored file. */

/** A byte range of a file of `size` bytes from a Range header (RFC 9110 §14.1.2), or 'unsatisfiable'. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d{1,15})?-(\d{1,15})?$/.exec(header.trim())
  // Multiple ranges or other units: serve the whole file, as RFC 9110 §14.2 permits.
  if (!m || (m[1] === undefined && m[2] === undefined)) return null
  let start: number
  let end: number
  if (m[1] === undefined) {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === undefined ? size - 1 : Math.min(Number(m[2]), size - 1)
    // first-pos > last-pos is an invalid range, which RFC 9110 §14.2 says to ignore.
    if (m[2] !== undefined && Number(m[2]) < start) return null
  }
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}

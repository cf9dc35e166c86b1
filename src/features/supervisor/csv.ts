/**
 * CSV for the workload report (SPEC S4), for Excel as much as for scripts: RFC 4180 quoting, CRLF rows,
 * a UTF-8 byte-order mark so Excel reads Cyrillic names, and no formula injection — a cell a
 * spreadsheet would run as a formula (starting with = + - @, or a tab / carriage return) gets a
 * leading apostrophe (OWASP "CSV Injection"). Names are the operators' own input: untrusted.
 */

/** The byte-order mark Excel needs to take the file as UTF-8. */
export const BOM = '\uFEFF'

const FORMULA = /^[=+\-@\t\r]/

/** One cell: neutralised if a spreadsheet would read it as a formula, quoted if it must be. */
export function csvCell(value: string | number): string {
  let s = String(value)
  // Numbers we write ourselves (hours) are data, not formulas; a negative one cannot occur.
  if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

/** The rows as a CSV text with the BOM, CRLF between rows. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `${BOM}${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`
}

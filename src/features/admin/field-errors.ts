/**
 * Which form fields a coded server error names, for every admin form (probe 13 UI #1): E_VALIDATION's
 * details read `path: what is expected` (`mobile: a mobile number …`, `config.url: …`, `groupIds.0: …`);
 * some codes name one field without details (`E_LOGIN_TAKEN` → login). The screens show their own
 * text in the UI language under the field; the detail's text is kept for those that show it.
 */

/** The dotted path of each detail (a trailing list index dropped) → the text after the colon; first wins. */
export function detailPaths(details: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const d of details) {
    const m = /^([A-Za-z.]+?)(?:\.\d+)?\s*:\s*(.*)$/s.exec(d)
    if (m?.[1] && !out.has(m[1])) out.set(m[1], m[2] ?? '')
  }
  return out
}

/** The employee form's fields a server error can name. */
export type EmployeeField = 'name' | 'login' | 'extension' | 'mobile'

const EMPLOYEE_FIELDS: readonly EmployeeField[] = ['name', 'login', 'extension', 'mobile']

/** Codes that are about one field of the employee form. */
const EMPLOYEE_CODES: Readonly<Record<string, EmployeeField>> = {
  E_LOGIN_TAKEN: 'login',
  E_LOGIN_DOMAIN: 'login',
  E_EXTENSION_TAKEN: 'extension',
}

/** The employee form's fields an error names (→ the code to word it by). Empty: not about a field. */
export function employeeFieldsOfError(code: string, details: readonly string[]): Map<EmployeeField, string> {
  const out = new Map<EmployeeField, string>()
  const one = EMPLOYEE_CODES[code]
  if (one) out.set(one, code)
  if (code === 'E_VALIDATION')
    for (const path of detailPaths(details).keys())
      if ((EMPLOYEE_FIELDS as readonly string[]).includes(path)) out.set(path as EmployeeField, code)
  return out
}

/** Reading back the server's refusal to remove a status someone holds (probe 13 UI #5). */

/** E_STATUS_IN_USE's details: the refused status ids, then `holder:<id>:<name>` per employee holding one. */
export function statusesInUse(details: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const d of details) {
    if (!d.startsWith('holder:')) {
      if (!out.has(d)) out.set(d, [])
      continue
    }
    const rest = d.slice('holder:'.length)
    const at = rest.indexOf(':')
    if (at < 0) continue
    const id = rest.slice(0, at)
    out.set(id, [...(out.get(id) ?? []), rest.slice(at + 1)])
  }
  return out
}

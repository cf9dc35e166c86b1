/**
 * Our stylesheets use no CSS nesting: a rule block opened inside another rule is a brace lost in an
 * edit or a merge (valid CSS, so no linter objects — the rules after it silently stop applying; two
 * merges did exactly that to requests.css). Returns the problems found in a stylesheet's text.
 */
const GROUPING = /^@(media|supports|layer|container|document)\b/

export function cssProblems(text) {
  const src = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (s) => ' '.repeat(s.length))
  const problems = []
  /** The open blocks: whether each is a grouping at-rule (which may hold rules) or a rule/other at-rule. */
  const open = []
  let start = 0
  let line = 1
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]
    if (ch === '\n') line++
    if (ch === '{') {
      const prelude = src.slice(start, i).trim()
      const parent = open.at(-1)
      if (parent && !parent.grouping && !parent.keyframes)
        problems.push(
          `line ${line}: "${prelude.slice(0, 60)}" is nested inside "${parent.prelude.slice(0, 60)}" (a missing "}"?)`,
        )
      open.push({ prelude, grouping: GROUPING.test(prelude), keyframes: /^@keyframes\b/.test(prelude), line })
      start = i + 1
    } else if (ch === '}') {
      if (!open.pop()) problems.push(`line ${line}: "}" closes nothing`)
      start = i + 1
    } else if (ch === ';' && !open.at(-1)?.keyframes) start = i + 1
  }
  for (const b of open) problems.push(`line ${b.line}: "${b.prelude.slice(0, 60)}" is never closed`)
  return problems
}

/** Every stylesheet of ours is flat (scripts/css.mjs): a lost brace fails here, not on a phone. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cssProblems } from './css.mjs'

const files = execFileSync('git', ['ls-files', '*.css'], { encoding: 'utf8' }).split('\n').filter(Boolean)

describe('stylesheets', () => {
  it.each(files)('%s has no rule nested in a rule and every block closed', (file) => {
    expect(cssProblems(readFileSync(file, 'utf8'))).toEqual([])
  })

  it('the check sees a lost brace (the requests.css merge damage), an unclosed block and a stray one', () => {
    const lost =
      '.chat-menu-item {\n  color: inherit;\n/* write first */\n.wf-open {\n  align-self: flex-end;\n}\n'
    expect(cssProblems(lost)).toEqual([
      'line 4: ".wf-open" is nested inside ".chat-menu-item" (a missing "}"?)',
      'line 1: ".chat-menu-item" is never closed',
    ])
    expect(cssProblems('a { color: red; }\n}')).toEqual(['line 2: "}" closes nothing'])
  })

  it('media queries, keyframes, comments and strings with braces are fine', () => {
    const ok = `@media (pointer: fine) {\n  .a { color: red; }\n}\n@keyframes pulse {\n  0% { opacity: 1; }\n  to { opacity: 0; }\n}\n/* { not a block */\n.b::after { content: "}{"; }\n`
    expect(cssProblems(ok)).toEqual([])
  })
})

import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import * as api from './api.ts'
import * as calls from './calls.ts'
import * as events from './events.ts'
import * as status from './status.ts'
import { isStorableText, text } from './text.ts'
import * as visitor from './visitor.ts'

type Node = {
  kind?: string
  type?: string
  pipe?: Node[]
  entries?: Record<string, Node>
  wrapped?: Node
  item?: Node
  options?: Node[]
  rest?: Node
}

/** Paths of string schemas inside `s` that do not go through `text`. */
function bareStrings(s: Node, at: string): string[] {
  if (s === (text as unknown as Node)) return []
  if (s.pipe) return bareStrings(s.pipe[0]!, at)
  if (s.type === 'string') return [at]
  const out: string[] = []
  for (const [k, e] of Object.entries(s.entries ?? {})) out.push(...bareStrings(e, `${at}.${k}`))
  if (s.wrapped) out.push(...bareStrings(s.wrapped, at))
  if (s.item) out.push(...bareStrings(s.item, `${at}[]`))
  if (s.rest) out.push(...bareStrings(s.rest, `${at}[rest]`))
  for (const o of s.options ?? []) if (o.kind === 'schema') out.push(...bareStrings(o, `${at}|`))
  return out
}

const schemas = Object.entries({ ...api, ...calls, ...events, ...status, ...visitor }).filter(
  ([, s]) => (s as Node | null)?.kind === 'schema',
)

describe('request strings', () => {
  it('finds the request schemas (the walk reads something)', () => {
    expect(schemas.length).toBeGreaterThan(10)
  })

  it.each(schemas)('%s: every string field goes through `text`', (name, s) => {
    expect(bareStrings(s as Node, name)).toEqual([])
  })

  it('the walk catches a bare v.string(), also nested and optional', () => {
    const bad = v.strictObject({ a: v.optional(v.pipe(v.string(), v.trim())), b: v.array(v.string()) })
    expect(bareStrings(bad as unknown as Node, 'X')).toEqual(['X.a', 'X.b[]'])
  })

  it.each([
    ['NUL', 'a\u0000b', false],
    ['lone high surrogate', 'a\ud800b', false],
    ['lone high surrogate at the end', 'a\ud83d', false],
    ['lone low surrogate', '\udc00b', false],
    ['a pair (emoji)', 'ok 😀', true],
    ['Cyrillic', 'Привет', true],
    ['empty', '', true],
  ])('%s → storable %s', (_n, s, ok) => {
    expect(isStorableText(s)).toBe(ok)
    expect(v.safeParse(text, s).success).toBe(ok)
  })
})

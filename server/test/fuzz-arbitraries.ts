/**
 * fast-check generators of hostile input for the fuzz suite: strings with NUL, lone surrogates and
 * prototype keys, huge and odd numbers, deep nesting, wrong types, and objects whose keys come from
 * the contract's own schemas (so bodies get past "unknown key" and reach the domain).
 */
import fc from 'fast-check'
import * as api from '../../contract/api.ts'
import * as calls from '../../contract/calls.ts'
import * as events from '../../contract/events.ts'
import * as status from '../../contract/status.ts'

/** Keys and literal values found in every valibot schema the contract exports. */
function dictionary(): { keys: string[]; words: string[] } {
  const keys = new Set<string>()
  const words = new Set<string>()
  const seen = new Set<unknown>()
  const walk = (s: unknown) => {
    if (!s || typeof s !== 'object' || seen.has(s)) return
    seen.add(s)
    const o = s as Record<string, unknown>
    if (o.entries && typeof o.entries === 'object') {
      for (const [k, x] of Object.entries(o.entries)) {
        keys.add(k)
        walk(x)
      }
    }
    if (typeof o.literal === 'string') words.add(o.literal)
    if (Array.isArray(o.options)) for (const x of o.options) typeof x === 'string' ? words.add(x) : walk(x)
    for (const k of ['wrapped', 'item', 'pipe']) {
      const x = o[k]
      if (Array.isArray(x)) for (const y of x) walk(y)
      else walk(x)
    }
  }
  for (const mod of [api, calls, events, status]) for (const x of Object.values(mod)) walk(x)
  return { keys: [...keys].sort(), words: [...words].sort() }
}

export const CONTRACT = dictionary()

/** Strings that broke or could break a parser, a cast or a query. */
export const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%',
  '%00',
  '%zz',
  '%ED%A0%80',
  "' OR 1=1 --",
  '"; DROP TABLE calls; --',
  '\\',
  '\\u0000',
  '$' + '{process.exit()}',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  '\u202e\u2066',
  '\ufeff',
  '0',
  '-1',
  '-0',
  '1e309',
  '9'.repeat(400),
  'NaN',
  'Infinity',
  '0x10',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '0000-01-01T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'sip:',
  'sip:101@demo.frontline.local',
  'sip:\u0000@demo.frontline.local',
  'sips:a@b;transport=ws',
  'demo',
  'other',
  'demo.frontline.local',
  // Real logins the suite itself never uses for its tokens (the login throttle may lock them).
  'op5@demo',
  'op6@demo',
  'x'.repeat(255),
  'x'.repeat(257),
  'я'.repeat(300),
]

/** One character: any code point, including the lone surrogates `binary` leaves out. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '%', '"', '\\') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
)

/** A string from anywhere: random code points, the nasty list, contract words, or those glued. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.constantFrom(...CONTRACT.words, ...CONTRACT.keys) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...NASTY, ...CONTRACT.words), fc.string({ unit, maxLength: 8 }))
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: fc.uuid() },
)

/** Numbers a schema may not expect: huge, negative, fractional, unsafe integers. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    1e21,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
)

/** JSON values with hostile leaves and keys from the contract (and prototype keys). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...CONTRACT.keys) },
          { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype') },
          { weight: 1, arbitrary: hostileString },
        ),
        tie('value'),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => {
      // defineProperty, so `__proto__` is an own key that JSON.stringify writes out.
      const o: Record<string, unknown> = {}
      for (const [k, x] of pairs) Object.defineProperty(o, k, { value: x, enumerable: true, writable: true })
      return o
    }),
})).value

/** A keyset cursor as the server writes it (base64url of `iso|uuid`) with any date, year 0 included. */
export const cursor: fc.Arbitrary<string> = fc
  .tuple(
    fc.date({
      min: new Date(-62198755200000 - 86400000 * 400),
      max: new Date(253402300799999),
      noInvalidDate: true,
    }),
    fc.uuid(),
  )
  .map(([d, id]) => Buffer.from(`${d.toISOString()}|${id}`).toString('base64url'))

/** `{"a":{"a":…}}` or `[[[…]]]` nested `depth` times: parsers and validators that recurse. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean(), fc.constantFrom(...CONTRACT.keys, '__proto__'))
  .map(([depth, arr, key]) =>
    arr ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`,
  )

/** Raw bodies that are not quite JSON. */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'nul',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"a":1,"a":2}',
    '\u0000',
    '"\\ud800"',
    '{"login":"\\u0000","password":"x"}',
    '[1,2,',
    '1e999999',
    '-',
    '\ufeff{}',
  ),
  fc.string({ unit, maxLength: 60 }),
)

/** Percent-encodes any string, lone surrogates included (as their WTF-8 bytes, which are bad UTF-8). */
export function encodeAny(s: string): string {
  let out = ''
  for (const ch of s) {
    const c = ch.codePointAt(0) as number
    if (c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    else out += encodeURIComponent(ch)
  }
  return out
}

/** Printable ASCII only: what an HTTP header can carry at all (the client library refuses the rest). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    'bytes=0-',
    'bytes=-0',
    'bytes=999999999999999999999-',
    'bytes=5-1',
    '*',
    'ru,en;q=0.5',
  ),
)

/** Every leaf path of a JSON value. */
function leaves(x: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(x)) return x.length ? x.flatMap((y, i) => leaves(y, [...at, i])) : [at]
  if (x && typeof x === 'object') {
    const e = Object.entries(x)
    return e.length ? e.flatMap(([k, y]) => leaves(y, [...at, k])) : [at]
  }
  return [at]
}

/**
 * A valid body with one leaf replaced by a hostile value (or dropped): gets past the schema's shape
 * and puts the hostile value where the domain reads it.
 */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths = leaves(valid)
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.oneof(hostileString, hostileNumber, hostileJson),
      fc.constantFrom('replace', 'replace', 'replace', 'drop'),
    )
    .map(([p, value, op]) => {
      if (!p.length) return value
      const copy = structuredClone(valid) as Record<string | number, unknown>
      let at = copy
      for (const k of p.slice(0, -1)) at = at[k] as Record<string | number, unknown>
      const last = p[p.length - 1] as string | number
      if (op === 'drop' && !Array.isArray(at)) delete at[last]
      else at[last] = value
      return copy
    })
}

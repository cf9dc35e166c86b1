/**
 * The layering rules (issue 7 §1, docs/architecture.md "Layering"), checked by `npm test` through
 * scripts/layering.mjs. Paths are relative to the repository root. Type-only imports count: the swc
 * parser sees `import type` like any other import, so a loop of types is a loop too.
 */
const TEST = '\\.test\\.(ts|tsx|mjs)$'

/** @type {import('dependency-cruiser').IConfiguration['forbidden']} */
export const forbidden = [
  {
    name: 'no-circular',
    comment: 'No import loops, type-only imports included: a loop makes load order and ownership unclear.',
    severity: 'error',
    from: { path: '^(src|sw|server|contract|pbx)/' },
    to: { circular: true },
  },
  {
    name: 'feature-door',
    comment: 'A feature imports another feature only through its door, src/features/<x>/index.ts.',
    severity: 'error',
    from: { path: '^src/features/([^/]+)/' },
    to: {
      path: '^src/features/([^/]+)/',
      pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.tsx?$'],
    },
  },
  {
    name: 'shell-uses-doors',
    comment: 'The shell and the shared libraries reach a feature only through its door.',
    severity: 'error',
    from: { path: '^(src|sw)/', pathNot: ['^src/features/'] },
    to: { path: '^src/features/[^/]+/.+', pathNot: ['^src/features/[^/]+/index\\.tsx?$'] },
  },
  {
    name: 'lib-not-features',
    comment: 'src/lib is the shared core under the features: it never imports one.',
    severity: 'error',
    from: { path: '^src/lib/', pathNot: [TEST] },
    to: { path: '^src/features/' },
  },
  {
    name: 'not-to-app',
    comment: 'Nothing in src/features or src/lib imports the shell (src/app): shared pieces live in src/lib.',
    severity: 'error',
    from: { path: '^src/(features|lib)/' },
    to: { path: '^src/app/' },
  },
  {
    name: 'domain-not-edge',
    comment:
      'server/domain speaks of calls and operators: no HTTP, no realtime hub, no SIP parsing or transport.',
    severity: 'error',
    from: { path: '^server/domain/' },
    to: { path: '^server/(http|realtime|sip)/' },
  },
  {
    name: 'contract-alone',
    comment: 'contract/ is shared by every runtime: it imports nothing of ours outside contract/.',
    severity: 'error',
    from: { path: '^contract/' },
    to: { path: '^(src|sw|server|pbx|scripts|e2e|bench|site)/' },
  },
  {
    name: 'sw-no-dom',
    comment:
      'The service worker has no DOM: no Solid, no shell, no features, no .tsx — not even through src/lib.',
    severity: 'error',
    from: { path: '^sw/' },
    to: {
      path: ['(^|/)node_modules/(solid-js|@solidjs)/', '^src/(app|features)/', '\\.tsx$'],
      reachable: true,
    },
  },
  {
    name: 'app-not-server',
    comment: 'The app (src/, sw/) never imports server/ or pbx/ (tests may use the server fixtures).',
    severity: 'error',
    from: { path: '^(src|sw)/', pathNot: [TEST] },
    to: { path: '^(server|pbx)/' },
  },
  {
    name: 'server-not-app',
    comment: 'server/ and pbx/ never import the app (src/, sw/).',
    severity: 'error',
    from: { path: '^(server|pbx)/', pathNot: [TEST] },
    to: { path: '^(src|sw)/' },
  },
]

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden,
  options: {
    // TypeScript 7 has no JS API dependency-cruiser can load: swc parses (and keeps `import type`).
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed, but kept in the graph: sw-no-dom must see solid-js.
    exclude: { path: '(^|/)(dist|data|test-results)/' },
    moduleSystems: ['es6', 'cjs'],
  },
}

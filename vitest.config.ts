import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'server/**/*.test.ts',
      'contract/**/*.test.ts',
      'src/**/*.test.ts',
      'sw/**/*.test.ts',
      'widget/**/*.test.ts',
      'pbx/**/*.test.ts',
      'scripts/**/*.test.mjs',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    // Provider stand-ins listen on 127.0.0.1: the operator's switch that allows private providers (net/provider-fetch.ts).
    env: { PROVIDER_ALLOW_PRIVATE: '1' },
    // A migrated PGlite template directory, made once and copied per test file (~250 ms, not ~2 s).
    globalSetup: ['server/test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // 2 cores and ~280 MB per open PGlite: keep parallelism modest.
    maxWorkers: 2,
  },
})

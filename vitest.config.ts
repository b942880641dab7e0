import { defineConfig } from 'vitest/config';

// Full line and branch coverage is mandatory where a mistake is catastrophic; each module below
// is held to 100% by CI. Modules join this list as they land (policy, approvals, grants, verifier).
const critical = [
  'src-shared/canonical.ts',
  'src-shared/hash.ts',
  'src-shared/time.ts',
  'src-shared/policy/**/*.ts',
  'src-shared/merkle/**/*.ts',
  'src-shared/checkpoint/**/*.ts',
  'src-shared/approvals/**/*.ts',
  'src-shared/grants/**/*.ts',
  'src-shared/ceremony/**/*.ts',
  'src-shared/verify/**/*.ts',
  'src-shared/bundle/**/*.ts',
];
const full = { lines: 100, branches: 100, functions: 100, statements: 100 };

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src-shared/**/*.ts', 'src-main/**/*.ts'],
      exclude: ['src-shared/env.d.ts', 'src-main/app/**', 'src-main/preload/**'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: Object.fromEntries(critical.map((file) => [file, full])),
    },
  },
});

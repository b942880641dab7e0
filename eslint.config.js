// Lint is part of the architecture: the import rules below are what keeps the trusted core
// (src-shared) free of Node, Electron, React and the DOM, and the renderer away from src-main.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'build/contracts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'react', 'react-dom', 'zustand'].map((name) => ({
            name,
            message: 'src-shared is the pure trusted core: no Node, Electron, React or DOM imports.',
          })),
          patterns: [
            { group: ['node:*'], message: 'src-shared must not import Node built-ins.' },
            {
              group: ['electron/*', 'react/*', 'react-dom/*'],
              message: 'src-shared must stay runtime-neutral.',
            },
            {
              group: ['**/src-main/**', '**/src-renderer/**'],
              message: 'src-shared depends on nothing above it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'Buffer',
          'process',
          'require',
          '__dirname',
          '__filename',
          'global',
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'fetch',
          'XMLHttpRequest',
          'setTimeout',
          'setInterval',
        ].map((name) => ({
          name,
          message: `src-shared must not use the runtime global ${name}: pass it in.`,
        })),
      ],
      // Determinism: the core never reads a clock or a random source it was not given.
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src-shared never reads the clock: pass the time in.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'src-shared never reads the clock: pass the time in.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'src-shared never uses Math.random.',
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron'].map((name) => ({
            name,
            message: 'The renderer reaches main only through window.qtrust.',
          })),
          patterns: [
            { group: ['node:*'], message: 'The renderer must not import Node built-ins.' },
            { group: ['**/src-main/**', '**/src-main'], message: 'The renderer must not import src-main.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src-main/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.{js,mjs}',
      'bin/**/*.js',
      '*.config.{ts,js}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
);

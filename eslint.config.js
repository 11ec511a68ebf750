// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Node built-ins and I/O libraries that must never reach core/ (DESIGN.md: core is pure).
const ioModules = [
  'fs',
  'node:*',
  'fs/*',
  'net',
  'http',
  'https',
  'child_process',
  'better-sqlite3',
  'pg',
  'serialport',
  'node-hid',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'test-results/**',
      'bench/results/**',
      'dist/**',
      'data/**',
      'portal/dist/**',
      'renderer/dist/**',
      'electron/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ioModules, message: 'core/ is pure: no I/O (see DESIGN.md).' },
            { group: ['../../*', '#*', '!#core/*'], message: 'core/ imports only core/.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ is pure: no process access.' },
        { name: 'fetch', message: 'core/ is pure: no network.' },
      ],
    },
  },
  {
    // The UIs run in a browser (or a sandboxed renderer): no Node, only core's schemas.
    files: ['renderer/**', 'portal/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ioModules, message: 'The UI never imports Node modules (DESIGN.md).' },
            { group: ['#*', '!#core/*'], message: 'The UI imports only core/.' },
          ],
        },
      ],
    },
  },
  {
    // Tests index into fixtures they just built; a wrong guess fails the test anyway.
    files: ['**/*.test.ts', 'tests/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The CLI is the one place that writes to the terminal.
    files: ['cli/**', 'bin/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);

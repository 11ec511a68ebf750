// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/*
 * The boundaries of docs/architecture.md, enforced. Each folder lists the folders it may
 * import through subpath imports (`#core/…`); anything else under `#` is an error, in
 * static imports, re-exports and `import()` alike. Patterns are regular expressions, not
 * no-restricted-imports' gitignore-style `group` globs: in those a leading `#` starts a
 * comment, which once let every `#server/…` import through. tests/lint/boundaries.test.ts
 * lints a forbidden import of each kind and proves it fails.
 */
const mayImport = {
  core: ['core'],
  db: ['core'],
  native: ['core'],
  labels: ['core'],
  // HTTP plumbing both faces share: static SPA serving, server-sent events.
  web: ['core'],
  station: ['station', 'db', 'native', 'labels', 'web', 'core'],
  server: ['server', 'labels', 'web', 'core'],
  renderer: ['core'],
  portal: ['core'],
  electron: ['station', 'db', 'native', 'labels', 'web', 'core'],
};

/** Folders whose code runs where there is no I/O: core is pure, the UIs run in a browser. */
const noIo = ['core', 'renderer', 'portal'];

// Node built-ins and I/O libraries, matched whole (`node:fs`, `fs/promises`, `pg`).
const ioModule =
  '^(node:.*|(fs|net|http|https|http2|child_process|worker_threads|os|dgram|tls|cluster)(/.*)?|better-sqlite3|pg|serialport|node-hid)$';

const why = {
  core: 'core/ is pure TypeScript: no I/O, no other folder (docs/architecture.md).',
  renderer: 'The station UI runs in a sandboxed page: only core/, no Node (docs/architecture.md).',
  portal: 'The portal runs in a browser: only core/, no Node (docs/architecture.md).',
};

/** `#x/…` for any x outside the allowed list. */
const forbiddenSubpath = (/** @type {string[]} */ allowed) => `^#(?!(${allowed.join('|')})/)`;

const boundaryConfigs = Object.entries(mayImport).map(([folder, allowed]) => {
  const message =
    why[/** @type {keyof typeof why} */ (folder)] ??
    `${folder}/ imports only ${allowed.map((f) => `${f}/`).join(', ')} (docs/architecture.md).`;
  const forbidden = [forbiddenSubpath(allowed), ...(noIo.includes(folder) ? [ioModule] : [])];
  return {
    name: `ordertrace/boundaries/${folder}`,
    files: [`${folder}/**/*.ts`, `${folder}/**/*.svelte`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbidden.map((regex) => ({ regex, caseSensitive: true, message })) },
      ],
      'no-restricted-syntax': [
        'error',
        ...forbidden.map((regex) => ({
          selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\/')}/]`,
          message,
        })),
      ],
    },
  };
});

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
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
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
    // Svelte components and runes modules carry TypeScript.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteFeatures: { runes: true } },
    },
    rules: {
      // It flags every `new Date`/`Map`/`URL`, also the local values a function builds and
      // returns; reactive state here is declared with $state, which svelte-check checks.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // The UIs run in a browser (or a sandboxed renderer).
    files: ['renderer/**', 'portal/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...boundaryConfigs,
  {
    files: ['core/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ is pure: no process access.' },
        { name: 'fetch', message: 'core/ is pure: no network.' },
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
    files: ['cli/**', 'bin/**', 'bench/**', 'build/**'],
    rules: { 'no-console': 'off' },
  },
);

import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The folder boundaries are only as real as the lint that enforces them: each case lints a
 * one-line file placed (virtually) inside a folder, with the repo's own eslint.config.js,
 * and checks which rule fires. A rule that silently matched nothing — as the old
 * `#`-prefixed globs did — fails here.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

const importing = (...specifiers: string[]) => specifiers.map((s) => `import '${s}';\n`).join('');
const dynamically = (specifier: string) => `export const load = () => import('${specifier}');\n`;
const svelteWith = (script: string) => `<script lang="ts">\n  ${script}</script>\n\n<p>x</p>\n`;

/** The rules that fired on `source` as if it were the file at `path`. */
async function rulesFired(path: string, source: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${path}` });
  return result!.messages.map((m) => m.ruleId);
}

/** What a file in each folder may not import, statically: no-restricted-imports fires. */
const forbiddenByFolder: Record<string, string[]> = {
  'core/orders': ['#server/app.ts', 'node:fs'],
  core: ['fs/promises'],
  'renderer/src': ['#db/outbox.ts'],
  'portal/src': ['node:fs'],
  'server/orders': ['#station/x.ts'],
  server: ['#db/outbox.ts', '#native/x.ts'],
  'station/sync': ['#server/app.ts'],
  db: ['#station/x.ts'],
  labels: ['#server/app.ts'],
};

const forbiddenImports: [string, string, string][] = [
  ...Object.entries(forbiddenByFolder).flatMap(([folder, specifiers]) =>
    specifiers.map((s): [string, string, string] => [
      `${folder} → ${s}`,
      `${folder}/fixture.ts`,
      importing(s),
    ]),
  ),
  ['core → pg, re-exported', 'core/fixture.ts', "export { Pool } from 'pg';\n"],
  ['.svelte → server', 'portal/src/Fixture.svelte', svelteWith(importing('#server/app.ts'))],
  ['.svelte → station', 'renderer/src/Fixture.svelte', svelteWith(importing('#station/x.ts'))],
];

/** import() of a forbidden folder: no-restricted-syntax fires. */
const forbiddenDynamic: [string, string, string][] = [
  ['core → server, dynamically', 'core/fixture.ts', dynamically('#server/app.ts')],
  ['station → server, dynamically', 'station/fixture.ts', dynamically('#server/app.ts')],
];

const allowed: [string, string, string][] = [
  ['core → core', 'core/orders/fixture.ts', importing('#core/codes/formats.ts')],
  [
    'station → db, native, labels',
    'station/fixture.ts',
    importing('#db/outbox.ts', '#native/x.ts', '#labels/x.ts'),
  ],
  ['server → labels and node:fs', 'server/fixture.ts', importing('#labels/x.ts', 'node:fs')],
  ['.svelte → core', 'portal/src/Fixture.svelte', svelteWith(importing('#core/codes/formats.ts'))],
  ['cli → server and station', 'cli/fixture.ts', importing('#server/app.ts', '#station/x.ts')],
  ['station → labels, dynamically', 'station/fixture.ts', dynamically('#labels/x.ts')],
];

describe('the folder boundaries', () => {
  it.each(forbiddenImports)('%s fails lint', async (_name, path, source) => {
    expect(await rulesFired(path, source)).toEqual(['no-restricted-imports']);
  });

  it.each(forbiddenDynamic)('%s fails lint', async (_name, path, source) => {
    expect(await rulesFired(path, source)).toEqual(['no-restricted-syntax']);
  });

  it.each(allowed)('%s passes lint', async (_name, path, source) => {
    expect(await rulesFired(path, source)).toEqual([]);
  });
});

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

const svelteWith = (script: string) => `<script lang="ts">\n  ${script}\n</script>\n\n<p>x</p>\n`;

/** The rules that fired on `source` as if it were the file at `path`. */
async function rulesFired(path: string, source: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${path}` });
  return result!.messages.map((m) => m.ruleId);
}

const forbidden: [string, string, string, string][] = [
  [
    'core → server',
    'core/orders/fixture.ts',
    "import '#server/app.ts';\n",
    'no-restricted-imports',
  ],
  ['core → node:fs', 'core/orders/fixture.ts', "import 'node:fs';\n", 'no-restricted-imports'],
  ['core → fs/promises', 'core/fixture.ts', "import 'fs/promises';\n", 'no-restricted-imports'],
  ['core → pg', 'core/fixture.ts', "export { Pool } from 'pg';\n", 'no-restricted-imports'],
  [
    'core → server, dynamically',
    'core/fixture.ts',
    "export const load = () => import('#server/app.ts');\n",
    'no-restricted-syntax',
  ],
  [
    'station UI → db',
    'renderer/src/fixture.ts',
    "import '#db/outbox.ts';\n",
    'no-restricted-imports',
  ],
  ['portal → node:fs', 'portal/src/fixture.ts', "import 'node:fs';\n", 'no-restricted-imports'],
  [
    '.svelte → server',
    'portal/src/Fixture.svelte',
    svelteWith("import '#server/app.ts';"),
    'no-restricted-imports',
  ],
  [
    '.svelte → station',
    'renderer/src/Fixture.svelte',
    svelteWith("import '#station/station.ts';"),
    'no-restricted-imports',
  ],
  [
    'server → station',
    'server/orders/fixture.ts',
    "import '#station/x.ts';\n",
    'no-restricted-imports',
  ],
  ['server → db', 'server/fixture.ts', "import '#db/outbox.ts';\n", 'no-restricted-imports'],
  ['server → native', 'server/fixture.ts', "import '#native/x.ts';\n", 'no-restricted-imports'],
  [
    'station → server',
    'station/sync/fixture.ts',
    "import '#server/app.ts';\n",
    'no-restricted-imports',
  ],
  [
    'station → server, dynamically',
    'station/fixture.ts',
    "export const load = () => import('#server/app.ts');\n",
    'no-restricted-syntax',
  ],
  ['db → station', 'db/fixture.ts', "import '#station/x.ts';\n", 'no-restricted-imports'],
  ['labels → server', 'labels/fixture.ts', "import '#server/app.ts';\n", 'no-restricted-imports'],
];

const allowed: [string, string, string][] = [
  ['core → core', 'core/orders/fixture.ts', "import '#core/codes/formats.ts';\n"],
  [
    'station → db, native, labels',
    'station/fixture.ts',
    "import '#db/outbox.ts';\nimport '#native/x.ts';\nimport '#labels/x.ts';\n",
  ],
  [
    'server → labels and node:fs',
    'server/fixture.ts',
    "import '#labels/x.ts';\nimport 'node:fs';\n",
  ],
  ['.svelte → core', 'portal/src/Fixture.svelte', svelteWith("import '#core/codes/formats.ts';")],
  [
    'cli → server and station',
    'cli/fixture.ts',
    "import '#server/app.ts';\nimport '#station/x.ts';\n",
  ],
  [
    'station → labels, dynamically',
    'station/fixture.ts',
    "export const load = () => import('#labels/x.ts');\n",
  ],
];

describe('the folder boundaries', () => {
  it.each(forbidden)('%s fails lint', async (_name, path, source, rule) => {
    expect(await rulesFired(path, source)).toEqual([rule]);
  });

  it.each(allowed)('%s passes lint', async (_name, path, source) => {
    expect(await rulesFired(path, source)).toEqual([]);
  });
});

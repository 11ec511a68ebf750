import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * A doc that names a file the tree no longer has sends a newcomer nowhere (docs/sync.md once
 * pointed into server/services/, which had moved). Every repo path the docs and the README
 * name must exist, and every docs/….md the code cites too. Built output (dist/) is named
 * but made by builds, so it is not required.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = [
  'bench',
  'build',
  'cli',
  'core',
  'db',
  'docs',
  'electron',
  'labels',
  'native',
  'portal',
  'renderer',
  'server',
  'station',
  'tests',
  'web',
];
const BUILT = /(^|\/)dist(\/|$)|^bench\/results(\/|$)/;

/** `core/…`, `../core/…`, `server/routes/*.ts`; not `/api/v1/labels/…` or `#server/…`. */
const repoPath = new RegExp(
  String.raw`(?<![\w/.#@-])(?:\.\./)*((?:${FOLDERS.join('|')})/[\w./*-]*[\w*])`,
  'g',
);
const docsPath = /(?<![\w/.#@-])(?:\.\.\/)*(docs\/[\w./-]*\.md)\b/g;

/** Whether anything in the tree matches `path`, where `*` is any name and `**` any depth. */
function matches(dir: string, segments: string[]): boolean {
  const [segment, ...rest] = segments;
  if (segment === undefined) return true;
  if (segment === '**') {
    if (matches(dir, rest)) return true;
    return subfolders(dir).some((sub) => matches(join(dir, sub), segments));
  }
  if (!segment.includes('*')) {
    const next = join(dir, segment);
    return existsSync(next) && (rest.length === 0 || isFolder(next)) && matches(next, rest);
  }
  const pattern = new RegExp(`^${segment.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`);
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .some((name) => matches(join(dir, name), rest));
}
const isFolder = (path: string) => statSync(path).isDirectory();
const subfolders = (dir: string) => readdirSync(dir).filter((name) => isFolder(join(dir, name)));

function filesUnder(dir: string, ending: RegExp): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && ending.test(entry.name))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length));
}

/** Each path `pattern` finds in `files` that names nothing in the tree, as `file: path`. */
function missing(files: string[], pattern: RegExp): string[] {
  const gone: string[] = [];
  for (const file of files) {
    for (const [, path] of readFileSync(join(root, file), 'utf8').matchAll(pattern)) {
      if (!BUILT.test(path!) && !matches(root, path!.split('/'))) gone.push(`${file}: ${path}`);
    }
  }
  return gone;
}

describe('paths the docs name', () => {
  it('every repo path in docs/ and the README exists', () => {
    const docs = ['README.md', ...filesUnder('docs', /\.md$/)];
    expect(docs.length).toBeGreaterThan(10);
    expect(missing(docs, repoPath)).toEqual([]);
  });

  it('every file the docs name by its bare name (`sync-http.ts`) is somewhere in the tree', () => {
    const names = new Set([
      ...readdirSync(root),
      ...FOLDERS.flatMap((f) => filesUnder(f, /./)).map((file) => file.split('/').at(-1)),
    ]);
    const docs = ['README.md', ...filesUnder('docs', /\.md$/)];
    const named = docs.flatMap((doc) =>
      [...readFileSync(join(root, doc), 'utf8').matchAll(/`([\w.-]+\.(?:ts|svelte|js|md))`/g)].map(
        ([, name]) => `${doc}: ${name}`,
      ),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((entry) => !names.has(entry.split(': ')[1]))).toEqual([]);
  });

  it('every docs/….md the code and tests cite exists', () => {
    const code = FOLDERS.filter((f) => f !== 'docs').flatMap((f) =>
      filesUnder(f, /\.(ts|js|svelte)$/).filter((file) => !file.includes('node_modules')),
    );
    expect(missing(code, docsPath)).toEqual([]);
  });

  it('finds a path that is gone, a glob that matches nothing, and passes ones that exist', () => {
    const check = (text: string) =>
      [...text.matchAll(repoPath)].map(([, path]) => [path, matches(root, path!.split('/'))]);
    expect(
      check(
        'see `server/services/pull.ts`, [x](../core/sync/replicated-rows.ts), ' +
          '`server/routes/sync*.ts`, `tests/e2e/portal/*.test.ts`, `core/**/nothing-*.zz`, ' +
          'GET /api/v1/labels/preview, `#server/app.ts`',
      ),
    ).toEqual([
      ['server/services/pull.ts', false],
      ['core/sync/replicated-rows.ts', true],
      ['server/routes/sync*.ts', true],
      ['tests/e2e/portal/*.test.ts', true],
      ['core/**/nothing-*.zz', false],
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../build/build-cli.ts';
import { builtCliIsFresh, CLI_DIST } from '../../build/cli-stamp.js';

/*
 * The compiled command (docs/decisions/0002-toolchain.md): each subcommand is its own chunk,
 * and what a chunk loads is read from the build itself — `ordertrace parse` and `new` must
 * not pay for the server, the database drivers or the label renderer.
 */
const read = (file: string) => readFileSync(join(CLI_DIST, file), 'utf8');

/** The npm packages and Node built-ins a chunk loads, following its static imports. */
function packagesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const [, specifier] of read(file).matchAll(/^import\s(?:[^'"]*\sfrom\s)?"([^"]+)";?$/gm)) {
    if (specifier!.startsWith('./')) {
      for (const name of packagesLoadedBy(specifier!.slice(2), seen)) packages.add(name);
    } else
      packages.add(
        specifier!
          .split('/')
          .slice(0, specifier!.startsWith('@') ? 2 : 1)
          .join('/'),
      );
  }
  return packages;
}

/** The chunks a chunk loads, itself included, following its static imports. */
function chunksLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, specifier] of read(file).matchAll(/^import\s(?:[^'"]*\sfrom\s)?"(\.\/[^"]+)";?$/gm))
    chunksLoadedBy(specifier!.slice(2), seen);
  return seen;
}

/** The project's source files (root-relative) bundled into those chunks, from their source maps. */
function sourcesLoadedBy(file: string): string[] {
  return [...chunksLoadedBy(file)].flatMap((chunk) =>
    (JSON.parse(read(`${chunk}.map`)) as { sources: string[] }).sources.map((source) =>
      source.replace(/^(\.\.\/)+/, ''),
    ),
  );
}

/** The chunk `main.js` loads for a subcommand (`import("./parse-XXXX.js")`). */
function chunkOf(command: string): string {
  const chunk = new RegExp(`import\\("\\./(${command}-[A-Z0-9]+\\.js)"\\)`).exec(read('main.js'));
  if (!chunk) throw new Error(`no chunk for ${command} in dist/cli/main.js`);
  return chunk[1]!;
}

const HEAVY = [
  'fastify',
  'better-sqlite3',
  'pg',
  'kysely',
  'pdfkit',
  'fontkit',
  'bwip-js',
  'serialport',
  'node-hid',
  'tsx',
];

describe('the compiled ordertrace command', () => {
  beforeAll(async () => {
    await buildCli();
  }, 120_000);

  it('is fresh after a build', () => {
    expect(builtCliIsFresh()).toBe(true);
  });

  it.each(['parse', 'new'])('loads no server, database or label code for %s', (command) => {
    const loaded = [...packagesLoadedBy(chunkOf(command))];
    expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
    expect(loaded.every((name) => name.startsWith('node:') || name === 'zod')).toBe(true);
  });

  it.each(['parse', 'new'])('bundles no server/ or labels/ module for %s', (command) => {
    const sources = sourcesLoadedBy(chunkOf(command));
    expect(sources).toContain(`cli/commands/${command}.ts`);
    expect(sources.filter((source) => /^(server|labels|station|db|native)\//.test(source))).toEqual(
      [],
    );
  });

  it('bundles server/ and labels/ modules for the server, so the walk above sees them', () => {
    const sources = sourcesLoadedBy(chunkOf('server'));
    expect(sources.some((source) => source.startsWith('server/'))).toBe(true);
    expect(sources.some((source) => source.startsWith('labels/'))).toBe(true);
  });

  it('still loads them for the server, so the walk above sees what a chunk loads', () => {
    const loaded = packagesLoadedBy(chunkOf('server'));
    expect([...loaded]).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3', 'kysely']));
    expect(packagesLoadedBy('main.js').size).toBeLessThanOrEqual(2);
  });

  it('starts the server without what only some servers use (docs/performance.md, cli_start)', () => {
    // The PostgreSQL driver (SQLite servers), the MQTT client (only with MQTT_URL), the HTTP
    // client (the first webhook delivery) and the label renderer (worker threads) are loaded
    // when used, not at start.
    const loaded = [...packagesLoadedBy(chunkOf('server'))];
    const lazy = ['pg', 'mqtt', 'undici', 'pdfkit', 'fontkit', 'bwip-js', '@resvg/resvg-js'];
    expect(loaded.filter((name) => lazy.includes(name))).toEqual([]);
  });
});

// Compiles the `ordertrace` command to JavaScript in dist/cli/, so a command starts without
// compiling TypeScript (docs/decisions/0002-toolchain.md). One bundle per subcommand,
// split so that shared code is loaded once and `ordertrace parse` loads neither the server
// nor the label renderer. npm packages stay external (node_modules). Run by `npm install`
// (prepare), `npm start`, `npm run server|station|bench` and `npm test`; a no-op when
// dist/cli/ was built from the sources as they are (build/cli-stamp.js).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { builtCliIsFresh, CLI_DIST, newestSource, ROOT, STAMP_FILE } from './cli-stamp.js';

/*
 * A few modules find files beside the sources (`new URL('../renderer/dist', import.meta.url)`).
 * In a bundle every module shares its chunk's URL, so each such module gets its own source
 * URL back, rebuilt from the chunk's place (dist/cli/, two levels under the root).
 */
const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const source = relative(ROOT, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(source)}, new URL('../../', import.meta.url)).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Build dist/cli/ unless it is up to date; returns whether it built. */
export async function buildCli({ force = false } = {}): Promise<boolean> {
  if (!force && builtCliIsFresh()) return false;
  const newest = newestSource();
  const { build } = await import('esbuild');
  // Built beside, then swapped in: a command started meanwhile finds the old build or none
  // (then bin/ordertrace.js runs the sources), never half of one.
  const next = `${CLI_DIST}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  await build({
    entryPoints: [join(ROOT, 'cli/main.ts')],
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.12',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
  writeFileSync(join(next, STAMP_FILE), String(newest));
  const old = `${CLI_DIST}.old-${process.pid}`;
  if (existsSync(CLI_DIST)) renameSync(CLI_DIST, old);
  renameSync(next, CLI_DIST);
  rmSync(old, { recursive: true, force: true });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildCli({ force: process.argv.includes('--force') });
  console.log(
    built
      ? `ordertrace: built ${relative(ROOT, CLI_DIST)}/`
      : 'ordertrace: dist/cli/ is up to date',
  );
}

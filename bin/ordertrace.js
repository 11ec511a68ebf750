#!/usr/bin/env node
// The `ordertrace` command. Runs the compiled JavaScript in dist/cli/ when it was built from
// the sources as they are now (build/build-cli.ts; `npm install`, `npm start` and `npm test`
// build it). Otherwise — a checkout never built, or sources edited since — it compiles the
// TypeScript on the fly with tsx: slower to start, never stale.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtCliIsFresh, CLI_DIST } from '../build/cli-stamp.js';

let main;
if (builtCliIsFresh()) {
  ({ main } = await import(pathToFileURL(join(CLI_DIST, 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));

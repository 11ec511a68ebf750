// Whether dist/cli/ was built from the sources as they are now. Plain JavaScript: the
// `ordertrace` command asks before it knows whether it can run TypeScript.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI_DIST = join(ROOT, 'dist/cli');
export const STAMP_FILE = '.built-from';
const SOURCES = ['cli', 'core', 'db', 'native', 'labels', 'station', 'server'];

/** The newest modification time (ms) of package.json and the TypeScript the command is built from. */
export function newestSource() {
  let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const folder of SOURCES) walk(join(ROOT, folder));
  return newest;
}

/** True when dist/cli/ exists and no source changed since it was built. */
export function builtCliIsFresh() {
  try {
    return Number(readFileSync(join(CLI_DIST, STAMP_FILE), 'utf8')) >= newestSource();
  } catch {
    return false;
  }
}

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'dist' || name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(path).update(readFileSync(path));
  }
}

/**
 * Build a browser app (the portal, or the station's UI in renderer/) once per source state
 * into a temp dir (keyed by a hash of its folder and core/, which it imports), so test files
 * running in parallel, and reruns, share one build.
 */
export async function buildAppOnce(app: 'portal' | 'renderer'): Promise<string> {
  const hash = createHash('sha256');
  hashTree(hash, join(ROOT, app));
  hashTree(hash, join(ROOT, 'core'));
  const dir = join(tmpdir(), `ordertrace-${app}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, 'index.html'))) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  await build({
    configFile: join(ROOT, `${app}/vite.config.ts`),
    logLevel: 'error',
    build: { outDir: staging, emptyOutDir: true },
  });
  try {
    mkdirSync(dir, { recursive: false });
    rmSync(dir, { recursive: true });
    renameSync(staging, dir);
  } catch {
    // Another worker finished the same build first: use theirs.
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

export const buildPortalOnce = (): Promise<string> => buildAppOnce('portal');

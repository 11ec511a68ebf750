import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The built Electron main (npm run build:electron). */
export const ELECTRON_MAIN = fileURLToPath(
  new URL('../../electron/dist/main.mjs', import.meta.url),
);

/**
 * The Electron binary, when one was downloaded and the shell was built; otherwise why not.
 * The `electron` package throws when its postinstall (the binary download) never ran.
 */
export function findElectron(): { path: string } | { missing: string } {
  let binary: string;
  try {
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    // The package is there for its types; its postinstall (the download) did not run.
    return { missing: 'no Electron binary is installed' };
  }
  if (!existsSync(binary)) return { missing: `no Electron binary at ${binary}` };
  if (!existsSync(ELECTRON_MAIN))
    return { missing: 'the Electron shell is not built (npm run build:electron)' };
  return { path: binary };
}

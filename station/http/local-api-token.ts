import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The browser-mode station's local API secret (docs/security.md), as Jupyter does it: made
 * once at first start into the data dir, readable by the station's own OS user only, or
 * given by ORDERTRACE_STATION_TOKEN (automation, tests). Whoever holds it drives the
 * station; any other local user, or a web page, does not.
 */

export const LOCAL_API_TOKEN_FILE = 'local-api.token';
export const LOCAL_API_TOKEN_ENV = 'ORDERTRACE_STATION_TOKEN';
const MIN_LENGTH = 32;

/** The secret from the environment, or the data dir's file, made (0600) when missing. */
export function loadOrCreateLocalApiToken(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const given = env[LOCAL_API_TOKEN_ENV]?.trim();
  if (given) {
    if (given.length < MIN_LENGTH || !/^[\x21-\x7e]+$/.test(given))
      throw new Error(
        `${LOCAL_API_TOKEN_ENV} must be at least ${MIN_LENGTH} printable characters without spaces`,
      );
    return given;
  }
  const file = join(dataDir, LOCAL_API_TOKEN_FILE);
  try {
    // A copy restored from a backup may have lost its mode: the secret is only safe as 0600.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= MIN_LENGTH) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Constant-time: how long a wrong guess takes says nothing about the secret. */
export function tokenMatches(token: string, offered: string | undefined): boolean {
  if (offered === undefined) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}

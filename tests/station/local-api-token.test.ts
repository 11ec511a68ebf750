import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LOCAL_API_TOKEN_ENV,
  LOCAL_API_TOKEN_FILE,
  loadOrCreateLocalApiToken,
  tokenMatches,
} from '#station/http/local-api-token.ts';

/* The station's local API secret on a real data dir: made once, 0600, kept, or from the environment. */
const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-token-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the local API secret', () => {
  it('is made at first start, readable by the station user only, and kept', () => {
    const dir = dataDir();
    const token = loadOrCreateLocalApiToken(dir, {});
    expect(token.length).toBeGreaterThanOrEqual(40);
    const file = join(dir, LOCAL_API_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(loadOrCreateLocalApiToken(dir, {})).toBe(token);
    expect(loadOrCreateLocalApiToken(dataDir(), {})).not.toBe(token);
  });

  it('tightens a file that lost its mode', () => {
    const dir = dataDir();
    const file = join(dir, LOCAL_API_TOKEN_FILE);
    writeFileSync(file, 'a'.repeat(43));
    chmodSync(file, 0o644);
    expect(loadOrCreateLocalApiToken(dir, {})).toBe('a'.repeat(43));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('takes the environment when set, and refuses a weak one clearly', () => {
    const dir = dataDir();
    const given = 'automation-secret-0123456789abcdefghij';
    expect(loadOrCreateLocalApiToken(dir, { [LOCAL_API_TOKEN_ENV]: given })).toBe(given);
    expect(() => loadOrCreateLocalApiToken(dir, { [LOCAL_API_TOKEN_ENV]: 'short' })).toThrow(
      /ORDERTRACE_STATION_TOKEN must be at least 32/,
    );
  });

  it('compares exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });
});

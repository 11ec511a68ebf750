import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileInside, spaAnswer } from '#web/static-files.ts';

/*
 * The one static-file server of the portal and the station UI, on a real directory with a
 * secret file beside it: no path of any spelling reaches outside the build directory.
 */
let parent: string;
let root: string;
beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'ordertrace-static-'));
  root = join(parent, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(parent, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(parent, 'dist-evil.txt'), 'SIBLING');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const options = () => ({ root, csp: "default-src 'none'" });

describe('serving a built single-page app', () => {
  it('serves files with the CSP, nosniff and the right caching', async () => {
    const asset = await spaAnswer(options(), '/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers).toMatchObject({
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    const route = await spaAnswer(options(), '/orders/RD123');
    expect(route.status).toBe(200);
    expect(String(route.body)).toContain('<title>app</title>');
    expect(route.headers['cache-control']).toBe('no-cache');
  });

  it('never leaves the build directory, whatever the spelling', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/../../secret.txt',
      '/../dist-evil.txt',
      `/${encodeURIComponent(join(parent, 'secret.txt'))}`,
      '/secret.txt%00.js',
    ]) {
      expect(await fileInside(root, path), path).toBeNull();
      const answer = await spaAnswer(options(), path);
      expect(String(answer.body), path).not.toMatch(/TOP SECRET|SIBLING/);
    }
  });

  it('answers 404 for a missing asset, 400 for a malformed path, 503 when not built', async () => {
    expect((await spaAnswer(options(), '/assets/old-9999.js')).status).toBe(404);
    expect((await spaAnswer(options(), '/missing.css')).status).toBe(404);
    expect((await spaAnswer(options(), '/%E0%A4%A')).status).toBe(400);
    const empty = mkdtempSync(join(tmpdir(), 'ordertrace-static-empty-'));
    const unbuilt = await spaAnswer({ ...options(), root: empty, notBuilt: 'build me' }, '/');
    expect(unbuilt).toMatchObject({ status: 503, body: 'build me' });
    rmSync(empty, { recursive: true, force: true });
  });
});

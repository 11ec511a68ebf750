import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveStation, type StationHttp } from '#station/http/station-http.ts';
import { stationCommands } from '#station/service/command-map.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * Browser mode's HTTP face: deceptive requests are refused (foreign Host, no station header,
 * traversal, malformed paths and bodies) and none of them stops the station.
 */
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function serve(): Promise<{
  http: StationHttp;
  port: number;
  fixture: ReturnType<typeof stationFixture>;
}> {
  const fixture = stationFixture('production');
  const uiDir = mkdtempSync(join(tmpdir(), 'ordertrace-ui-'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>station</title>');
  const http = await serveStation({
    service: fixture.station,
    commands: stationCommands(fixture.station),
    uiDir,
    port: 0,
  });
  cleanup = async () => {
    await http.close();
    await fixture.close();
    rmSync(uiDir, { recursive: true, force: true });
  };
  return { http, port: Number(new URL(http.url).port), fixture };
}

/** A raw request, so the Host header and the path go out exactly as written. */
const raw = (
  port: number,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
) =>
  new Promise<{
    status: number;
    body: string;
    headers: Record<string, string | string[] | undefined>;
  }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

describe('the station over HTTP', () => {
  it('runs commands with the station header and serves the UI with a CSP', async () => {
    const { port } = await serve();
    const post = await raw(port, '/api/commands/scan', {
      method: 'POST',
      headers: { 'x-ordertrace-station': '1', 'content-type': 'application/json' },
      body: '{"text":"nonsense"}',
    });
    expect(JSON.parse(post.body)).toMatchObject({ ok: true, decision: { verdict: 'misread' } });
    const page = await raw(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses foreign hosts, posts without the header, traversal and garbage, and keeps running', async () => {
    const { port } = await serve();
    expect(
      (
        await raw(port, '/api/commands/state', {
          method: 'POST',
          host: 'evil.example',
          headers: { 'x-ordertrace-station': '1' },
          body: '{}',
        })
      ).status,
    ).toBe(421);
    expect((await raw(port, '/api/commands/state', { method: 'POST', body: '{}' })).status).toBe(
      403,
    );
    expect(
      (
        await raw(port, '/api/commands/scan', {
          method: 'POST',
          headers: { 'x-ordertrace-station': '1' },
          body: '{not json',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await raw(port, '/api/commands/scan', {
          method: 'POST',
          headers: { 'x-ordertrace-station': '1' },
          body: 'x'.repeat(300_000),
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await raw(port, '/%2e%2e/%2e%2e/etc/passwd')).body).not.toContain('root:');
    expect((await raw(port, '/%E0%A4%A')).status).toBe(400);
    expect((await raw(port, '//')).status).toBeLessThan(500);
    const after = await raw(port, '/api/commands/state', {
      method: 'POST',
      headers: { 'x-ordertrace-station': '1' },
      body: '{}',
    });
    expect(JSON.parse(after.body)).toMatchObject({ ok: true });
  });

  it('streams the state first, then each verdict', async () => {
    const { port, fixture } = await serve();
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
        res.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n'))
            if (line.startsWith('data: '))
              events.push((JSON.parse(line.slice(6)) as { type: string }).type);
          if (events.length === 1) fixture.station.scan(fixture.order);
          if (events.includes('verdict')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(events[0]).toBe('state');
    expect(events).toContain('verdict');
  });
});

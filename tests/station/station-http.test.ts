import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveStation, type StationHttp } from '#station/http/station-http.ts';
import { stationCommands } from '#station/service/command-map.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * Browser mode's HTTP face: deceptive requests are refused (no local API secret, foreign
 * Host, no station header with the cookie, traversal, malformed paths and bodies) and none
 * of them stops the station.
 */
const TOKEN = 'test-local-api-secret-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
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
    token: TOKEN,
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
  it('runs commands with the secret and serves the UI with a CSP', async () => {
    const { port } = await serve();
    const post = await raw(port, '/api/commands/scan', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{"text":"nonsense"}',
    });
    expect(JSON.parse(post.body)).toMatchObject({ ok: true, decision: { verdict: 'misread' } });
    const page = await raw(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses every command and the event stream without the secret: a local user without it drives nothing', async () => {
    const { port, fixture } = await serve();
    const header = { 'x-ordertrace-station': '1' };
    // What the attack did: stop the line with only the old header, read state, repoint the printer.
    for (const [name, body] of [
      ['scan', `{"text":"${fixture.order}"}`],
      ['state', '{}'],
      ['saveSettings', '{"printer":{"kind":"zpl-tcp","host":"127.0.0.1","port":9999}}'],
    ] as const) {
      const refused = await raw(port, `/api/commands/${name}`, {
        method: 'POST',
        headers: header,
        body,
      });
      expect(refused.status).toBe(401);
      expect(refused.body).not.toContain('"state"');
    }
    const wrong = await raw(port, '/api/commands/state', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN.replace('0', '1')}` },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    expect((await raw(port, '/api/events')).status).toBe(401);
    expect(
      (await raw(port, '/api/events', { headers: { cookie: 'ordertrace_station_1=nope' } })).status,
    ).toBe(401);
    expect(fixture.station.state().lastScans).toEqual([]);
  });

  it('trades the printed link for an HttpOnly cookie, then needs the header with it', async () => {
    const { port } = await serve();
    expect((await raw(port, '/?token=guess')).status).toBe(401);
    const opened = await raw(port, `/?token=${TOKEN}&lang=zh`);
    expect(opened.status).toBe(303);
    // The secret leaves the address bar (and history) at once.
    expect(opened.headers.location).toBe('/?lang=zh');
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toContain(`ordertrace_station_${port}=${TOKEN}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = { cookie: `ordertrace_station_${port}=${TOKEN}` };
    const withCookie = await raw(port, '/api/commands/state', {
      method: 'POST',
      headers: { ...cookie, 'x-ordertrace-station': '1' },
      body: '{}',
    });
    expect(JSON.parse(withCookie.body)).toMatchObject({ ok: true });
    // A cookie rides along on a foreign page's form post; the custom header cannot.
    expect(
      (await raw(port, '/api/commands/state', { method: 'POST', headers: cookie, body: '{}' }))
        .status,
    ).toBe(403);
  });

  it('refuses foreign hosts, traversal and garbage, and keeps running', async () => {
    const { port } = await serve();
    expect(
      (
        await raw(port, '/api/commands/state', {
          method: 'POST',
          host: 'evil.example',
          headers: AUTH,
          body: '{}',
        })
      ).status,
    ).toBe(421);
    expect(
      (
        await raw(port, '/api/commands/scan', {
          method: 'POST',
          headers: AUTH,
          body: '{not json',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await raw(port, '/api/commands/scan', {
          method: 'POST',
          headers: AUTH,
          body: 'x'.repeat(300_000),
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await raw(port, '/%2e%2e/%2e%2e/etc/passwd')).body).not.toContain('root:');
    expect((await raw(port, '/..%2f..%2f..%2fetc%2fpasswd')).body).not.toContain('root:');
    expect((await raw(port, '/%00')).status).toBeLessThan(500);
    expect((await raw(port, '/%E0%A4%A')).status).toBe(400);
    expect((await raw(port, '//')).status).toBeLessThan(500);
    const after = await raw(port, '/api/commands/state', {
      method: 'POST',
      headers: AUTH,
      body: '{}',
    });
    expect(JSON.parse(after.body)).toMatchObject({ ok: true });
  });

  it('streams the state first, then each verdict', async () => {
    const { port, fixture } = await serve();
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/events', headers: AUTH },
        (res) => {
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
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(events[0]).toBe('state');
    expect(events).toContain('verdict');
  });
});

import { createServer } from 'node:https';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import selfsigned from 'selfsigned';
import { LOGIN_FAILURES_PER_ADDRESS } from '#server/auth/login-throttle.ts';
import { limitConnectionsPerAddress, TLS_HARDENING } from '#server/plugins/http-hardening.ts';
import { startTestServer, type ApiClient, type TestServer } from './harness.ts';

/*
 * The transport controls of docs/security.md through the real HTTPS server: headers, the
 * Origin check, TLS suites, the error body for broken requests, failed logins per address
 * and connections per address.
 */
let server: TestServer;
let admin: ApiClient;
let port: number;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  admin = await server.userClient('admin');
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.stop());

/** Bytes out exactly as written over TLS; the whole answer back. */
const rawTls = (request: string, options: ConnectionOptions = {}) =>
  new Promise<string>((resolve, reject) => {
    const socket: TLSSocket = connect(
      { host: '127.0.0.1', port, ca: server.tls.cert, servername: 'localhost', ...options },
      () => socket.write(request),
    );
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });

describe('HTTP hardening', () => {
  it('clears the session cookie on logout with Secure, as it was set', async () => {
    const person = await server.userClient('customer');
    const logout = await person.post('/api/v1/auth/logout');
    const cleared = logout.headers.get('set-cookie') ?? '';
    expect(cleared).toMatch(/^ot_session=;/);
    expect(cleared).toContain('Secure');
    expect(cleared).toContain('HttpOnly');
  });

  it('sends HSTS everywhere, and nosniff with no-store on API answers', async () => {
    for (const response of [
      await admin.get('/api/v1/auth/me'),
      await server.client().get('/api/v1/auth/me'),
    ]) {
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a state change from another site (Origin), whatever the content type', async () => {
    const before = (await admin.get('/api/v1/lines')).body.lines.length;
    const forged = await admin.request('POST', '/api/v1/lines', undefined, {
      raw: JSON.stringify({ name: 'EVIL', plant: 'main' }),
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('OT_ERR_FORBIDDEN');
    const crossSite = await admin.request(
      'POST',
      '/api/v1/lines',
      { name: 'EVIL2', plant: 'main' },
      {
        headers: { 'sec-fetch-site': 'cross-site' },
      },
    );
    expect(crossSite.status).toBe(403);
    expect((await admin.get('/api/v1/lines')).body.lines.length).toBe(before);
    const own = await admin.request(
      'POST',
      '/api/v1/lines',
      { name: 'OWN', plant: 'main' },
      {
        headers: { origin: `https://127.0.0.1:${port}` },
      },
    );
    expect(own.status).toBe(200);
  });

  it('speaks TLS 1.2 with AEAD suites only, and TLS 1.3', async () => {
    await expect(
      rawTls('', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA' }),
    ).rejects.toThrow(/handshake|cipher|alert/i);
    const aead = connect({
      host: '127.0.0.1',
      port,
      ca: server.tls.cert,
      servername: 'localhost',
      maxVersion: 'TLSv1.2',
    });
    await new Promise<void>((resolve, reject) => {
      aead.once('secureConnect', resolve);
      aead.once('error', reject);
    });
    expect(aead.getCipher().name).toMatch(/GCM|CHACHA20/);
    aead.destroy();
    const modern = connect({
      host: '127.0.0.1',
      port,
      ca: server.tls.cert,
      servername: 'localhost',
    });
    await new Promise<void>((resolve) => modern.once('secureConnect', resolve));
    expect(modern.getProtocol()).toBe('TLSv1.3');
    modern.destroy();
    expect(TLS_HARDENING.ciphers).not.toMatch(/CBC|-SHA(:|$)/);
  });

  it('answers a URL that does not decode, and headers too large, with the one error body', async () => {
    const badUrl = await admin.get('/api/v1/orders/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.code).toBe('OT_ERR_VALIDATION');
    const huge = await rawTls(
      `GET /api/v1/health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'OT_ERR_VALIDATION' },
    });
  });

  it('closes a connection whose headers never finish with 408, not after 75 s', async () => {
    const started = Date.now();
    const answer = await rawTls(
      `GET /api/v1/health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-slow: 1`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 40_000);

  it('limits failed logins per address across emails with 429 and Retry-After', async () => {
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) {
      const wrong = await server.client().post('/api/v1/auth/login', {
        email: `nobody.${i}@example.com`,
        password: 'not the password',
      });
      expect(wrong.status).toBe(401);
    }
    const limited = await server.client().post('/api/v1/auth/login', {
      email: 'someone.else@example.com',
      password: 'not the password',
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('OT_ERR_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 180_000);
});

describe('connections per address', () => {
  it('answers the connection over the cap with 429 and Retry-After', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
    });
    const https = createServer({ key: pems.private, cert: pems.cert }, (_request, response) => {
      // Holds the connection open, as a slow client would.
      response.writeHead(200);
      response.write('open');
    });
    limitConnectionsPerAddress(https, 2);
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', () => resolve()));
    const address = https.address();
    const cap = typeof address === 'object' && address ? address.port : 0;
    const open = (): Promise<{ socket: TLSSocket; first: string }> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: cap, rejectUnauthorized: false }, () =>
          socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`),
        );
        socket.once('data', (chunk: Buffer) => resolve({ socket, first: chunk.toString() }));
        socket.once('error', reject);
      });
    const held = [await open(), await open()];
    for (const { first } of held) expect(first).toMatch(/^HTTP\/1\.1 200/);
    const third = await open();
    expect(third.first).toMatch(/^HTTP\/1\.1 429/);
    expect(third.first).toMatch(/retry-after: \d+/);
    for (const { socket } of [...held, third]) socket.destroy();
    https.closeAllConnections();
    https.close();
  });
});

import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import selfsigned from 'selfsigned';
import { Agent, fetch } from 'undici';
import { fingerprintOf } from '#server/tls.ts';
import { enroll, NO_TRUST_GIVEN } from '#station/sync/enroll.ts';
import { startTestServer, type ApiClient, type TestServer } from '../server/harness.ts';

/*
 * Enrollment verifies the server before it sends its code. The attack: a TLS proxy on the
 * path presents its own certificate and rewrites the fingerprint in the enroll answer to
 * match; a station that trusted the first answer pinned the proxy, which kept its token.
 */
let server: TestServer;
let admin: ApiClient;
let proxy: Server;
let proxyUrl: string;
let proxyFingerprint: string;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  admin = await server.userClient('admin');
  await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  proxyFingerprint = fingerprintOf(pems.cert);
  const upstream = new Agent({ connect: { ca: server.tls.cert, servername: 'localhost' } });
  const origin = server.url.replace('localhost', '127.0.0.1');
  proxy = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = chunks.length ? Buffer.concat(chunks).toString() : undefined;
        const answer = await fetch(origin + request.url, {
          method: request.method ?? 'GET',
          headers: { 'content-type': 'application/json' },
          body,
          dispatcher: upstream,
        });
        // The rewrite that defeated the old check: the answer names the proxy's certificate.
        const text = (await answer.text()).replaceAll(server.tls.fingerprint, proxyFingerprint);
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const address = proxy.address();
  proxyUrl = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  proxy?.close();
  await server?.stop();
});

const newCode = async () =>
  (
    await admin.post('/api/v1/stations', {
      name: `trust-${Math.random().toString(36).slice(2, 8)}`,
      role: 'production',
      line: 'L1',
    })
  ).body.enrollmentCode as string;

describe('enrollment verifies the server', () => {
  it('refuses to enroll without a way to verify the server, saying what to pass', async () => {
    await expect(enroll(server.url, await newCode(), undefined)).rejects.toThrow(NO_TRUST_GIVEN);
  });

  it('refuses a proxy when given the fingerprint the back office shows', async () => {
    await expect(
      enroll(proxyUrl, await newCode(), { fingerprint: server.tls.fingerprint }),
    ).rejects.toThrow(/not the expected .*not enrolling/);
  });

  it('refuses a proxy when given the CA that signed the server’s certificate', async () => {
    await expect(enroll(proxyUrl, await newCode(), { caPem: server.tls.cert })).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it('enrolls directly with the fingerprint, or with the CA, and pins the server', async () => {
    const byFingerprint = await enroll(server.url, await newCode(), {
      fingerprint: server.tls.fingerprint.toLowerCase(),
    });
    expect(byFingerprint.fingerprint).toBe(server.tls.fingerprint);
    const byCa = await enroll(server.url.replace('localhost', '127.0.0.1'), await newCode(), {
      caPem: server.tls.cert,
    });
    expect(byCa.fingerprint).toBe(server.tls.fingerprint);
  });

  it('trusts the first answer only when told to by name — and then pins whoever answered', async () => {
    const pinned = await enroll(proxyUrl, await newCode(), { insecureFirstUse: true });
    // This is the risk the flag names: the proxy's certificate, not the server's.
    expect(pinned.fingerprint).toBe(proxyFingerprint);
  });
});

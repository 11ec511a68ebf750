/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PUSH_BYTES, PROTOCOL_VERSION } from '#core/api/sync.ts';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEventBody } from '#core/events/station-events.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { enroll } from '#station/sync/enroll.ts';
import { pushOutbox } from '#station/sync/push.ts';
import { SyncHttp } from '#station/sync/sync-http.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { enrollStation, eventsHeldFrom } from './station-flow.ts';

/*
 * The largest push (MAX_PUSH_BYTES, docs/api.md "Limits"): the server refuses a larger body
 * with 413 before reading it, and a station whose outbox holds more sends it over several
 * pushes, nothing lost. A bad event in a push is named by its place and stores nothing.
 */
const packageOf = (order: string, number: number, units: number): StationEventBody => ({
  type: 'package.closed',
  order,
  package: mintOrderScopedCode('package', order, number),
  sscc: null,
  units: Array.from({ length: units }, (_, i) => mintOrderScopedCode('unit', order, i + 1)),
  number,
  of: null,
});

describe.each(STORAGES)('the push size limit on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(storage);
    admin = await server.userClient('admin');
    await admin.post('/api/v1/lines', { name: 'L1' });
  });
  afterAll(() => server?.stop());

  it('refuses a push over the limit with 413 and stores nothing of it', async () => {
    const station = await enrollStation(server, admin, 'packing', 'L1');
    const order = mintOrderCode();
    // Five packages of 10,000 units (the most one may hold): about 1.3 MB.
    const events = [1, 2, 3, 4, 5].map((n) => station.event(packageOf(order, n, 10_000)));
    const body = JSON.stringify({ protocol: PROTOCOL_VERSION, outboxDepth: 5, events });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_PUSH_BYTES);
    const refused = await station.api
      .request('POST', '/api/v1/sync/push', undefined, { raw: body })
      .catch((error: Error) => ({ status: 0, body: undefined as any, error }));
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('OT_ERR_BODY_TOO_LARGE');
    expect(await eventsHeldFrom(server, station.id)).toBe(0);
  });

  it('names the event and field that fail the schema, and stores nothing of the push', async () => {
    const station = await enrollStation(server, admin, 'packing', 'L1');
    const order = mintOrderCode();
    const good = station.event(packageOf(order, 1, 3));
    const bad = station.event(packageOf(order, 2, 3));
    const units = (bad.body as { units: string[] }).units;
    // A misread unit code: its check character no longer matches.
    units[1] = `${units[1]!.slice(0, -1)}${units[1]!.endsWith('0') ? '1' : '0'}`;
    const answer = await station.push([good, bad]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('OT_ERR_VALIDATION');
    expect(answer.body.error.issues).toEqual([
      { path: 'body.events.1.body.units.1', message: expect.stringMatching(/check character/) },
    ]);
    expect(answer.body.error.message).toMatch(/^body\.events\.1\.body\.units\.1: /);
    expect(await eventsHeldFrom(server, station.id)).toBe(0);
  });

  it('refuses a push without events, or with a field it does not know, at the envelope', async () => {
    const station = await enrollStation(server, admin, 'packing', 'L1');
    const empty = await station.push([]);
    expect(empty.status).toBe(400);
    expect(empty.body.error.issues[0].path).toBe('body.events');
    const extra = await station.api.post('/api/v1/sync/push', {
      protocol: PROTOCOL_VERSION,
      outboxDepth: 0,
      events: [station.event({ type: 'order.loaded', order: mintOrderCode() })],
      sneaky: true,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/sneaky/);
    expect(await eventsHeldFrom(server, station.id)).toBe(0);
  });

  it('sends an outbox larger than one push over several, nothing lost or doubled', async () => {
    const created = await admin.post('/api/v1/stations', {
      name: `big-outbox-${Math.random().toString(36).slice(2, 8)}`,
      role: 'packing',
      line: 'L1',
    });
    const enrollment = await enroll(server.url, created.body.enrollmentCode, {
      fingerprint: server.context.fingerprint,
    });
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-big-outbox-'));
    const { db } = openReplica(join(dir, 'replica.sqlite'));
    const outbox = new Outbox(db, enrollment.stationId);
    const http = new SyncHttp(enrollment);
    try {
      const order = mintOrderCode();
      // Six packages of 10,000 units: some 1.6 MB, more than one push may carry.
      for (let n = 1; n <= 6; n++) outbox.record(packageOf(order, n, 10_000), null);
      const sizes: number[] = [];
      await pushOutbox(
        {
          close: () => http.close(),
          request: (...args) => http.request(...args),
          json: (method, path, body, timeoutMs) => {
            sizes.push(Buffer.byteLength(JSON.stringify(body)));
            return http.json(method, path, body, timeoutMs);
          },
        },
        outbox,
        1000,
        () => undefined,
      );
      expect(sizes.length).toBeGreaterThanOrEqual(2);
      for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_PUSH_BYTES);
      expect(outbox.status()).toMatchObject({ depth: 0, ackedThrough: 6 });
      // Each stored once (the server holds them: rejected, as their order is unknown to it).
      expect(await eventsHeldFrom(server, enrollment.stationId)).toBe(6);
    } finally {
      await http.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

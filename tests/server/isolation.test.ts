/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREVIEW_PIXELS } from '#core/api/back-office.ts';
import { MAX_UNITS_PER_ORDER } from '#core/api/orders.ts';
import { mintOrderCode } from '#core/codes/formats.ts';
import { defaultTemplate } from '#core/labels/default-templates.ts';
import { enroll } from '#station/sync/enroll.ts';
import { SyncClient } from '#station/sync/sync-client.ts';
import { SyncHttp } from '#station/sync/sync-http.ts';
import type { SyncTransport } from '#station/sync/sync-transport.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { eventually } from '../sync/sync-harness.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { enrollStation, eventsHeldFrom } from './station-flow.ts';

/*
 * Nobody starves the rest (issue 13): per-station push quotas answered 429 with
 * Retry-After and honoured by the station; label previews and order quantities bounded
 * with clear errors; a large label renders off the event loop while health answers.
 */
const PUSHES_PER_S = 0.2; // a burst of one push, then one every 5 s
const PUSH_BYTES_PER_S = 64 * 1024; // a burst of 1 MiB (the largest push), then 64 KiB/s

describe.each(STORAGES)('one station or one request cannot starve the rest on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let product: string;

  beforeAll(async () => {
    server = await startTestServer(storage, {
      env: {
        STATION_PUSHES_PER_S: String(PUSHES_PER_S),
        STATION_PUSH_BYTES_PER_S: String(PUSH_BYTES_PER_S),
      },
    });
    [admin, planner, customer] = await Promise.all([
      server.userClient('admin'),
      server.userClient('planner'),
      server.userClient('customer'),
    ]);
    await admin.post('/api/v1/lines', { name: 'L1' });
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
  });
  afterAll(() => server?.stop());

  it('answers a push over the station’s rate 429 with Retry-After and stores nothing of it', async () => {
    const station = await enrollStation(server, admin, 'production', 'L1');
    const loaded = () => station.event({ type: 'order.loaded', order: mintOrderCode() });
    expect((await station.push([loaded()])).status).toBe(200);
    const refused = await station.push([loaded()]);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('OT_ERR_RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/push quota.*retry in \d+ s/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1 / PUSHES_PER_S);
    expect(await eventsHeldFrom(server, station.id)).toBe(1);
    // Another station is not held back by this one.
    const other = await enrollStation(server, admin, 'production', 'L1');
    expect(
      (await other.push([other.event({ type: 'order.loaded', order: mintOrderCode() })])).status,
    ).toBe(200);
    // After the wait it said, the refused event goes through (the same sequence number).
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    station.seq--;
    expect((await station.push([loaded()])).status).toBe(200);
    expect(await eventsHeldFrom(server, station.id)).toBe(2);
  });

  it('counts bytes too: a push over the byte quota is refused before its body is read', async () => {
    const station = await enrollStation(server, admin, 'production', 'L1');
    // 0.9 MiB that is not even JSON: the quota is charged by Content-Length, first.
    const big = `{"x":"${'a'.repeat(0.9 * 1024 * 1024)}"}`;
    const send = () =>
      station.api.request('POST', '/api/v1/sync/push', undefined, { raw: big }).catch(
        // The server may answer 429 and close before the whole body is sent.
        (error: Error) => ({ status: 0, body: undefined, headers: new Headers(), error }),
      );
    const first = await send();
    expect(first.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 5000 + 100)); // the push bucket refills
    const second = await send();
    expect(second.status).toBe(429);
    expect(second.body.error.message).toMatch(/64 KiB a second/);
    // 1 MiB burst less 0.9 MiB, plus 5 s at 64 KiB/s, is some 0.48 MiB short: about 8 s.
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(5);
    expect(await eventsHeldFrom(server, station.id)).toBe(0);
  });

  it('has the station wait as long as Retry-After says, then push what waited', async () => {
    const created = await admin.post('/api/v1/stations', {
      name: `quota-${Math.random().toString(36).slice(2, 8)}`,
      role: 'production',
      line: 'L1',
    });
    const enrollment = await enroll(server.url, created.body.enrollmentCode, {
      fingerprint: server.context.fingerprint,
    });
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-quota-'));
    const { db } = openReplica(join(dir, 'replica.sqlite'));
    const store = new ReplicaStore(db);
    const outbox = new Outbox(db, enrollment.stationId);
    const http = new SyncHttp(enrollment);
    const pushes: { sentAt: number; answeredAt: number; status: number; retryAfterMs?: number }[] =
      [];
    // The real HTTPS link, each push written down with what it was answered.
    const recording: SyncTransport = {
      close: () => http.close(),
      request: (...args) => http.request(...args),
      json: async (method, path, body, timeoutMs) => {
        if (path !== '/api/v1/sync/push') return http.json(method, path, body, timeoutMs);
        const sentAt = Date.now();
        try {
          const answer = await http.json(method, path, body, timeoutMs);
          pushes.push({ sentAt, answeredAt: Date.now(), status: 200 });
          return answer as never;
        } catch (error: any) {
          pushes.push({
            sentAt,
            answeredAt: Date.now(),
            status: error.status ?? 0,
            retryAfterMs: error.retryAfterMs,
          });
          throw error;
        }
      },
    };
    const sync = new SyncClient({
      db,
      store,
      outbox,
      enrollment,
      pollMs: 100,
      maxBackoffMs: 200,
      http: recording,
    });
    try {
      sync.start();
      await eventually(() => sync.ready, 30_000, 'the replica');
      const record = () => {
        outbox.record({ type: 'order.loaded', order: mintOrderCode() }, null);
        sync.kick();
      };
      record();
      await eventually(() => pushes.length >= 1, 10_000, 'the first push');
      record();
      await eventually(() => pushes.some((p) => p.status === 429), 10_000, 'a refused push');
      record();
      await eventually(() => outbox.status().ackedThrough === 3, 30_000, 'all three pushed');
      const refusedAt = pushes.findIndex((p) => p.status === 429);
      const refused = pushes[refusedAt]!;
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1000);
      // Polling every 100 ms and kicked once more, it still sent nothing before the time given.
      const next = pushes[refusedAt + 1]!;
      expect(next.sentAt - refused.answeredAt).toBeGreaterThanOrEqual(refused.retryAfterMs!);
      expect(pushes.filter((p) => p.status === 429)).toHaveLength(1);
      expect(await eventsHeldFrom(server, enrollment.stationId)).toBe(3);
    } finally {
      await sync.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a label preview too large to render, saying which dpi would do', async () => {
    const huge = { ...defaultTemplate('package'), widthMm: 300, heightMm: 1000 };
    const refused = await planner.post('/api/v1/labels/preview', { template: huge, dpi: 600 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues[0]).toMatchObject({
      path: 'body.dpi',
      message: expect.stringMatching(
        new RegExp(`167 million pixels; at most ${MAX_PREVIEW_PIXELS / 1e6} million \\(207 dpi`),
      ),
    });
  });

  it('answers health while a large label renders', { timeout: 180_000 }, async () => {
    const previewPng = (template: unknown, dpi: number) =>
      fetch(`${planner.baseUrl}/api/v1/labels/preview`, {
        method: 'POST',
        headers: { cookie: planner.cookie!, 'content-type': 'application/json' },
        body: JSON.stringify({ template, dpi }),
        dispatcher: planner.agent,
      }).then(async (response) => ({
        status: response.status,
        size: (await response.arrayBuffer()).byteLength,
      }));
    // A small one first: the renderer is loaded (and its worker started) before we watch.
    expect((await previewPng(defaultTemplate('unit'), 72)).status).toBe(200);
    const large = { ...defaultTemplate('package'), widthMm: 300, heightMm: 1000 };
    const preview = previewPng(large, 100);
    let rendered = false;
    void preview.finally(() => (rendered = true));
    // One health request after another while the preview is in flight.
    let answeredMeanwhile = 0;
    const health = server.client();
    while (!rendered) {
      const answer = await health.get('/api/v1/health');
      expect(answer.status).toBe(200);
      if (!rendered) answeredMeanwhile++;
    }
    expect((await preview).status).toBe(200);
    // Rendered on the event loop, the 4.6-million-pixel PNG held every request until done.
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(5);
  });

  it('refuses an order over the unit limit at the schema, and stores nothing', async () => {
    const before = (await customer.get('/api/v1/orders')).body.orders.length;
    const tooMany = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 33_333 }],
      shipTo: '苏州工业园区星湖街 1 号',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues[0]).toMatchObject({
      path: 'body.lines.0.quantity',
      message: expect.stringMatching(`at most ${MAX_UNITS_PER_ORDER} units an order`),
    });
    const overAllLines = await customer.post('/api/v1/orders', {
      lines: [
        { product, quantity: 6000 },
        { product, quantity: 6000 },
      ],
      shipTo: '苏州工业园区星湖街 1 号',
    });
    expect(overAllLines.status).toBe(400);
    expect(overAllLines.body.error.issues[0]).toMatchObject({
      path: 'body.lines',
      message: expect.stringMatching(/over all its lines/),
    });
    expect((await customer.get('/api/v1/orders')).body.orders.length).toBe(before);
  });
});

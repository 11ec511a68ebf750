import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { parsePrometheusText, sampleValue } from './prometheus-text.ts';
import { consume, enrollStation, releasedOrder, type TestStation } from './station-flow.ts';

const TOKEN = 'scrape-secret-0123456789';

async function scrape(server: TestServer, authorization?: string) {
  const response = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/metrics`, {
    headers: authorization ? { authorization } : {},
    dispatcher: server.client().agent,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

describe.each(STORAGES)('/metrics on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let production: TestStation;
  let order: Awaited<ReturnType<typeof releasedOrder>>;

  beforeAll(async () => {
    server = await startTestServer(storage, { env: { METRICS_TOKEN: TOKEN } });
    const [customer, planner] = await server.userClients('customer', 'planner');
    admin = await server.userClient('admin');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    production = await enrollStation(server, admin, 'production', 'L1', 'saw-1');
    order = await releasedOrder(customer, planner, product, 1);
  }, 60_000);
  afterAll(() => server?.stop());

  it('refuses a scrape without the token or with another one', async () => {
    expect((await scrape(server)).status).toBe(401);
    expect((await scrape(server, 'Bearer not-the-scrape-token-at-all')).status).toBe(401);
    // A station's token is not the metrics token either.
    expect((await scrape(server, `Bearer ${production.api.bearer}`)).status).toBe(401);
  });

  it('answers Prometheus text with request, ingest, pull, live-feed, line-stop and exception families', async () => {
    const pushed = await production.push([
      consume(production, order.code, order.resources[0]!.code),
      production.event({
        type: 'scan.decided',
        role: 'production',
        currentOrder: order.code,
        scanned: 'RD-NOT-OURS',
        scannedOrder: null,
        verdict: 'line_stop',
        reason: 'Not a resource of this order.',
      }),
    ]);
    expect(pushed.status).toBe(200);
    const pulled = await production.api.get(
      `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=0`,
    );
    expect(pulled.status).toBe(200);
    const feed = new AbortController();
    const live = await fetch(
      `${production.api.baseUrl}/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`,
      {
        headers: { authorization: `Bearer ${production.api.bearer}` },
        dispatcher: production.api.agent,
        signal: feed.signal,
      },
    );
    expect(live.status).toBe(200);

    const answer = await scrape(server, `Bearer ${TOKEN}`);
    feed.abort();
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(answer.text);
    expect(families.get('ordertrace_http_request_duration_seconds')?.type).toBe('histogram');
    expect(
      sampleValue(
        families,
        'ordertrace_http_request_duration_seconds',
        'ordertrace_http_request_duration_seconds_count',
        { route: '/api/v1/sync/push', method: 'POST', status: '200' },
      ),
    ).toBe(1);
    expect(
      sampleValue(families, 'ordertrace_ingest_batches_total', 'ordertrace_ingest_batches_total'),
    ).toBe(1);
    expect(
      sampleValue(families, 'ordertrace_ingest_events_total', 'ordertrace_ingest_events_total'),
    ).toBe(2);
    expect(
      sampleValue(families, 'ordertrace_sync_pulls_total', 'ordertrace_sync_pulls_total'),
    ).toBe(1);
    expect(
      sampleValue(families, 'ordertrace_live_feeds', 'ordertrace_live_feeds', { feed: 'station' }),
    ).toBe(1);
    expect(sampleValue(families, 'ordertrace_line_stops_open', 'ordertrace_line_stops_open')).toBe(
      1,
    );
    expect(
      sampleValue(families, 'ordertrace_exceptions', 'ordertrace_exceptions', {
        kind: 'line_stop',
        status: 'open',
      }),
    ).toBe(1);
    const head = sampleValue(families, 'ordertrace_change_log_head', 'ordertrace_change_log_head');
    expect(head).toBeGreaterThan(0);
    // saw-1 pulled from 0 before anything newer: its lag is the whole log.
    expect(
      sampleValue(
        families,
        'ordertrace_station_change_log_lag',
        'ordertrace_station_change_log_lag',
        {
          station: 'saw-1',
        },
      ),
    ).toBe(head);
    expect(
      sampleValue(families, 'ordertrace_station_outbox_depth', 'ordertrace_station_outbox_depth', {
        station: 'saw-1',
      }),
    ).toBe(0);
    expect(families.has('ordertrace_process_resident_memory_bytes')).toBe(true);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  it('does not exist', async () => {
    const server = await startTestServer('sqlite');
    try {
      expect((await scrape(server)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

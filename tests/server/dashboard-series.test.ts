/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import fc from 'fast-check';
import type { StationEvent } from '#core/events/station-events.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from './fixtures.ts';
import { startTestServer, type ApiClient, type StorageName, type TestServer } from './harness.ts';
import {
  closeWholePackage,
  consume,
  dispatched,
  enrollStation,
  foreignScan,
  packageCode,
  progress,
  pushAccepted,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/** The event as the station's clock put it at `time`. */
const at = (time: string, event: StationEvent): StationEvent => ({ ...event, stationTime: time });

const misread = (station: TestStation, order: string) =>
  station.event({
    type: 'scan.decided',
    role: 'production',
    currentOrder: order,
    scanned: 'NOT-A-CODE',
    scannedOrder: null,
    verdict: 'misread',
    reason: 'Not a code of this system.',
  });

const series = (client: ApiClient, line: string, from: string, to: string, extra = '') =>
  client.get(
    `/api/v1/dashboard/series?line=${line}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`,
  );

function plantOn(storage: StorageName) {
  const plant = {} as {
    server: TestServer;
    planner: ApiClient;
    customer: ApiClient;
    production: TestStation;
    other: TestStation;
    /** An order released to L1 that L2's station scans as its current one. */
    foreign: string;
    order: { code: string; resources: { code: string }[]; units: string[] };
  };
  beforeAll(async () => {
    // The plant is set up before the events happen and they sync days later: the series goes
    // by the station's clock. Sessions last the whole time.
    let clock = Date.parse('2026-03-02T00:00:00Z');
    plant.server = await startTestServer(storage, {
      now: () => new Date(clock),
      env: { SESSION_IDLE_MINUTES: '20160' },
    });
    const [customer, planner, admin] = await plant.server.userClients(
      'customer',
      'planner',
      'admin',
    );
    plant.customer = customer;
    plant.planner = planner;
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code as string;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    await admin.post('/api/v1/lines', { name: 'L2', plant: 'main' });
    const [production, packing, dock, other] = await Promise.all([
      enrollStation(plant.server, admin, 'production', 'L1'),
      enrollStation(plant.server, admin, 'packing', 'L1'),
      enrollStation(plant.server, admin, 'shipping', 'L1'),
      enrollStation(plant.server, admin, 'production', 'L2'),
    ]);
    plant.production = production;
    plant.other = other;
    const order = await releasedOrder(customer, planner, product, 2);
    const foreign = await releasedOrder(customer, planner, product, 1);
    plant.order = order;
    plant.foreign = foreign.code;
    clock = Date.parse('2026-03-06T00:00:00Z');
    const supervisor = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' }))
      .body.code as string;
    // Made in the order they happen: each event takes the station's next sequence number.
    await pushAccepted(production, [
      at('2026-03-02T08:05:00.000Z', production.event({ type: 'order.loaded', order: order.code })),
      ...order.resources.map((r) =>
        at('2026-03-02T08:10:00.000Z', consume(production, order.code, r.code)),
      ),
      at('2026-03-02T08:20:00Z', foreignScan(production, order.code, foreign.resources[0]!.code)),
      at(
        '2026-03-02T08:25:00.000Z',
        production.event({ type: 'line.cleared', supervisor, reason: 'Moved back to its pallet.' }),
      ),
      // 17:30 in Shanghai is 09:30 UTC.
      at('2026-03-02T17:30:00+08:00', misread(production, order.code)),
      at('2026-03-02T09:40:00.000Z', progress(production, order.code, 1, 2)),
      at('2026-03-02T10:15:00.000Z', progress(production, order.code, 2, 2)),
      // After the range asked for.
      at('2026-03-02T12:10:00.000Z', misread(production, foreign.code)),
    ]);
    await pushAccepted(packing, [
      at('2026-03-02T10:30:00.000Z', closeWholePackage(packing, order)),
    ]);
    await pushAccepted(dock, [
      at('2026-03-02T11:45:00.000Z', dispatched(dock, order.code, packageCode(order.code, 1))),
    ]);
    // Another line's scan in the same hour is not L1's.
    await pushAccepted(other, [at('2026-03-02T08:30:00.000Z', misread(other, foreign.code))]);
  }, 120_000);
  afterAll(() => plant.server?.stop());
  return plant;
}

describe.each(['sqlite', 'postgres'] as const)('line time series on %s', (storage) => {
  const plant = plantOn(storage);

  it('counts scans, stops, produced units, packed and shipped packages per hour, with empty hours as zeros', async () => {
    const response = await series(
      plant.planner,
      'L1',
      '2026-03-02T08:00:00Z',
      '2026-03-02T13:00:00Z',
      '&bucket=hour',
    );
    expect(response.status).toBe(200);
    const scans = plant.order.resources.length + 1;
    expect(response.body).toEqual({
      line: 'L1',
      from: '2026-03-02T08:00:00.000Z',
      to: '2026-03-02T13:00:00.000Z',
      bucket: 'hour',
      buckets: [
        { start: '2026-03-02T08:00:00.000Z', scans, stops: 1, produced: 0, packed: 0, shipped: 0 },
        {
          start: '2026-03-02T09:00:00.000Z',
          scans: 1,
          stops: 0,
          produced: 1,
          packed: 0,
          shipped: 0,
        },
        {
          start: '2026-03-02T10:00:00.000Z',
          scans: 0,
          stops: 0,
          produced: 1,
          packed: 1,
          shipped: 0,
        },
        {
          start: '2026-03-02T11:00:00.000Z',
          scans: 0,
          stops: 0,
          produced: 0,
          packed: 0,
          shipped: 1,
        },
        {
          start: '2026-03-02T12:00:00.000Z',
          scans: 1,
          stops: 0,
          produced: 0,
          packed: 0,
          shipped: 0,
        },
      ],
    });
  });

  it('widens a range to whole hours and ends it where asked; another line has its own series', async () => {
    const part = (await series(plant.planner, 'L1', '2026-03-02T09:30:00Z', '2026-03-02T10:10:00Z'))
      .body;
    expect(part.buckets.map((b: any) => [b.start, b.scans, b.produced])).toEqual([
      ['2026-03-02T09:00:00.000Z', 1, 1],
      ['2026-03-02T10:00:00.000Z', 0, 1],
    ]);
    // The range in another offset is the same instants.
    const shanghai = (
      await series(plant.planner, 'L1', '2026-03-02T16:00:00+08:00', '2026-03-02T18:00:00+08:00')
    ).body;
    expect(shanghai.from).toBe('2026-03-02T08:00:00.000Z');
    expect(shanghai.buckets.map((b: any) => b.scans)).toEqual([
      plant.order.resources.length + 1,
      1,
    ]);
    const other = (
      await series(plant.planner, 'L2', '2026-03-02T08:00:00Z', '2026-03-02T10:00:00Z')
    ).body;
    expect(other.buckets.map((b: any) => b.scans)).toEqual([1, 0]);
  });

  it('refuses a range that is backwards, empty or longer than 31 days, another bucket, a missing line, and unknown lines', async () => {
    const bad = async (query: string, path: RegExp) => {
      const response = await plant.planner.get(`/api/v1/dashboard/series?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.issues[0].path, query).toMatch(path);
    };
    await bad('line=L1&from=2026-03-02T10:00:00Z&to=2026-03-02T08:00:00Z', /to/);
    await bad('line=L1&from=2026-03-02T10:00:00Z&to=2026-03-02T10:00:00Z', /to/);
    await bad('line=L1&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:01Z', /to/);
    await bad('line=L1&from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z&bucket=day', /bucket/);
    await bad('from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z', /line/);
    await bad('line=L1&from=yesterday&to=2026-03-02T10:00:00Z', /from/);
    await bad('line=L1&from=2026-03-02T08:00:00&to=2026-03-02T10:00:00Z', /from/);
    const extra = await plant.planner.get(
      '/api/v1/dashboard/series?line=L1&from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z&step=5',
    );
    expect(extra.status).toBe(400);
    // Exactly 31 days is allowed.
    const month = await series(plant.planner, 'L1', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(month.status).toBe(200);
    expect(month.body.buckets).toHaveLength(31 * 24);
    const unknown = await series(
      plant.planner,
      'L9',
      '2026-03-02T08:00:00Z',
      '2026-03-02T10:00:00Z',
    );
    expect(unknown.status).toBe(404);
  });

  it('is for staff only', async () => {
    const path =
      '/api/v1/dashboard/series?line=L1&from=2026-03-02T08:00:00Z&to=2026-03-02T10:00:00Z';
    expect((await plant.customer.get(path)).status).toBe(403);
    expect((await plant.server.client().get(path)).status).toBe(401);
  });

  it('puts every scan in the UTC hour it happened, whatever offset the station wrote', async () => {
    let window = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 6 * 60 - 1 }),
            offsetMinutes: fc.constantFrom(0, 480, -300, 330, 345, -570),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (scans) => {
          // Six hours of its own for each run (before the server's clock), so runs do not
          // see each other's scans.
          const start = Date.parse('2026-03-03T00:00:00Z') + window++ * 6 * 3_600_000;
          const expected = Array.from({ length: 6 }, () => 0);
          const events = scans.map(({ minute, offsetMinutes }) => {
            expected[Math.floor(minute / 60)]! += 1;
            return at(
              localTime(start + minute * 60_000, offsetMinutes),
              misread(plant.other, plant.foreign),
            );
          });
          await pushAccepted(plant.other, events);
          const body = (
            await series(
              plant.planner,
              'L2',
              new Date(start).toISOString(),
              new Date(start + 6 * 3_600_000).toISOString(),
            )
          ).body;
          expect(body.buckets.map((b: any) => b.scans)).toEqual(expected);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});

/** The instant `ms` as a station in UTC`offsetMinutes` would write it. */
function localTime(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationEvent } from '#core/events/station-events.ts';
import { STATION_ROLES } from '#core/orders/state-machine.ts';
import { STORAGES } from '../server/harness.ts';
import { enrollStation } from '../server/station-flow.ts';
import { RestartableServer } from '../sync/sync-harness.ts';
import {
  ModelPlant,
  type ClaimStations,
  type ModelCommand,
  type ModelStation,
} from './model-plant.ts';

/*
 * The guarantees as invariants (docs/station.md "Completeness", docs/sync.md "The server's
 * checks"): three real stations (production, packing, shipping of line L1, each a real
 * Station over its own replica file, syncing with a real HTTPS server) and a station of
 * another line pushing claims about L1's orders, driven by generated sequences of scans
 * (right and wrong codes, with and without symbology prefixes, repeats), commands with and
 * without supervisor overrides, offline spells and restarts. Whatever the sequence, at the
 * end the server holds: no order produced without its materials, packed with a unit
 * missing, or shipped with a package missing unless an override is on record; every
 * resource consumed at most once; every applied event legal for its station's role and
 * line; every event not applied visible as an exception.
 *
 * ORDERTRACE_PROPERTY_RUNS sets the number of sequences per engine (nightly: 200).
 */
const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 8);

/** Every role records scans, loaded orders and cleared lines; beyond that, its own work. */
const EVERY_ROLE = ['scan.decided', 'order.loaded', 'line.cleared'];
const ROLE_EVENTS: Record<string, string[]> = {
  production: [...EVERY_ROLE, 'progress.reported', 'label.printed'],
  packing: [...EVERY_ROLE, 'package.closed', 'label.printed'],
  shipping: [...EVERY_ROLE, 'package.dispatched'],
};

const station = fc.constantFrom<ModelStation>(...STATION_ROLES);
const order = fc.integer({ min: 0, max: 2 });
const prefix = fc.constantFrom('', ']C0', ']C1', ']Q1', ']d2', 'lower');
const target = fc.oneof(
  fc.record({ kind: fc.constant('job' as const), order }),
  fc.record({ kind: fc.constant('resource' as const), order, n: fc.nat(8) }),
  fc.record({ kind: fc.constant('unit' as const), order, n: fc.nat(3) }),
  fc.record({ kind: fc.constant('package' as const), order, n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('forged' as const), order }),
  fc.record({
    kind: fc.constantFrom('operator' as const, 'supervisor' as const, 'stranger' as const),
  }),
  fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ maxLength: 12 }) }),
);
const override = fc.boolean();

const command: fc.Arbitrary<ModelCommand> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ do: fc.constant('scan' as const), station, target, prefix }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ do: fc.constant('produce' as const), order, stopAfter: fc.nat(6) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('pack' as const),
      order,
      partial: fc.boolean(),
      override,
    }),
  },
  { weight: 3, arbitrary: fc.record({ do: fc.constant('ship' as const), order }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('progress' as const),
      step: fc.constantFrom('assembly', 'weaving', 'finished'),
      units: fc.integer({ min: 1, max: 2 }),
      override,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ do: fc.constant('close' as const), partial: fc.boolean(), override }),
  },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('dispatch' as const) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('clear' as const) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('logout' as const), station }) },
  {
    weight: 2,
    arbitrary: fc.record({ do: fc.constant('offline' as const), station, online: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('sync' as const), station }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('restart' as const), station }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('rogue' as const),
      order,
      claim: fc.constantFrom(
        'consume',
        'finished',
        'close',
        'dispatch',
        'wrong-role',
        'badge',
        'future',
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constant('lie' as const),
      order,
      claim: fc.constantFrom('finished', 'close', 'dispatch', 'forged', 'consume'),
    }),
  },
);

describe.each(STORAGES)('the guarantees hold for any sequence of work on %s', (storage) => {
  const server = new RestartableServer(storage);
  let plant: ModelPlant;
  let claims: ClaimStations;

  beforeAll(async () => {
    await server.start();
    plant = await ModelPlant.create(server);
    // Stations that push raw claims: one of another line, and L1 stations whose software lies.
    const enrolled = (role: ModelStation, line: string) =>
      enrollStation({ client: () => server.client() } as any, plant.admin, role, line);
    claims = {
      rogue: await enrolled('production', 'L2'),
      liars: {
        production: await enrolled('production', 'L1'),
        packing: await enrolled('packing', 'L1'),
        shipping: await enrolled('shipping', 'L1'),
      },
    };
  }, 120_000);
  afterAll(async () => {
    await plant?.close();
    await server.destroy();
  });

  it(
    'never produces, packs or ships incomplete, never consumes twice, applies only legal events, and shows every refusal',
    { timeout: 600_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
          const run = await plant.newRun();
          for (const step of commands) await run.perform(step, claims);
          await run.settle();
          await checkInvariants(server, run.orderIds);
        }),
        {
          numRuns: RUNS,
          endOnFailure: true,
          // Replaying a failure: the seed and path fast-check printed.
          ...(process.env.ORDERTRACE_PROPERTY_SEED
            ? {
                seed: Number(process.env.ORDERTRACE_PROPERTY_SEED),
                path: process.env.ORDERTRACE_PROPERTY_PATH,
              }
            : {}),
        },
      );
    },
  );
});

/** What must hold on the server after any sequence. */
async function checkInvariants(server: RestartableServer, orderIds: string[]) {
  const db = server.context.storage.db;
  const orders = await db.selectFrom('orders').selectAll().where('id', 'in', orderIds).execute();
  const exceptions = await db
    .selectFrom('exceptions')
    .select(['kind', 'order_code', 'event_id'])
    .execute();
  const overridden = (code: string | null) =>
    exceptions.some((e) => e.kind === 'override' && e.order_code === code);
  for (const row of orders) {
    const resources = await db
      .selectFrom('resources')
      .selectAll()
      .where('order_id', '=', row.id)
      .execute();
    const units = await db.selectFrom('units').selectAll().where('order_id', '=', row.id).execute();
    const packages = await db
      .selectFrom('packages')
      .selectAll()
      .where('order_id', '=', row.id)
      .execute();
    const state = row.state;
    const produced = ['produced', 'packed', 'shipped', 'delivered'].includes(state);
    const packed = ['packed', 'shipped', 'delivered'].includes(state);
    const what = `order ${row.code} (${state})`;
    if (produced && !overridden(row.code))
      expect(
        resources.filter((r) => !r.consumed_at),
        `${what}: materials missing`,
      ).toEqual([]);
    if (packed && !overridden(row.code))
      expect(
        units.filter((u) => !u.package_code),
        `${what}: units not packed`,
      ).toEqual([]);
    if (packed) {
      const count = packages[0]?.package_count ?? 0;
      expect(count, `${what}: package count known`).toBeGreaterThan(0);
      expect(packages.length, `${what}: every package closed`).toBe(count);
    }
    if (state === 'shipped' || state === 'delivered')
      expect(
        packages.filter((p) => !p.dispatched_at),
        `${what}: packages left behind`,
      ).toEqual([]);
  }
  const events = await db
    .selectFrom('events')
    .innerJoin('stations', 'stations.id', 'events.station_id')
    .select(['events.id', 'events.body', 'events.outcome', 'stations.role', 'stations.line_id'])
    .execute();
  const consumedBy = new Map<string, string>();
  for (const row of events) {
    const event = JSON.parse(row.body) as StationEvent;
    if (row.outcome === 'rejected') {
      expect(
        exceptions.some((e) => e.event_id === row.id),
        `rejected event ${row.id} (${event.body.type}) has no exception`,
      ).toBe(true);
      continue;
    }
    expect(ROLE_EVENTS[row.role], `${row.role} applied ${event.body.type}`).toContain(
      event.body.type,
    );
    const body = event.body;
    if (body.type === 'scan.decided' && body.effect?.kind === 'consume') {
      const earlier = consumedBy.get(body.effect.resource);
      expect(earlier, `${body.effect.resource} consumed twice`).toBeUndefined();
      consumedBy.set(body.effect.resource, row.id);
    }
    const orderCode =
      'order' in body
        ? body.order
        : body.type === 'scan.decided' && body.effect && 'order' in body.effect
          ? body.effect.order
          : null;
    if (orderCode) {
      const owner = await db
        .selectFrom('orders')
        .select('line_id')
        .where('code', '=', orderCode)
        .executeTakeFirst();
      expect(
        owner?.line_id,
        `${row.role} station of another line applied ${body.type} on ${orderCode}`,
      ).toBe(row.line_id);
    }
  }
}

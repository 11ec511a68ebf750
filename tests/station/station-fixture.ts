import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { CommandReply } from '#core/api/station-api.ts';
import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import { stationOver } from '#station/station-parts.ts';

/**
 * A station of `role` over a real replica file: an order of one table (1 top, 2 legs) in
 * `state`, a third leg beyond the bill, a glue pot it does not call for, two units, a
 * package of another order, and an operator's and a supervisor's badge.
 */
export function stationFixture(
  role: StationRole,
  state = 'released',
  options: {
    loggedIn?: boolean;
    /** Units ordered (one line of that many tables); by default one table with two unit codes. */
    units?: number;
    /** The order's own packages exist (closed, not dispatched), `packageCount` of them. */
    packages?: boolean;
    packageCount?: number;
    /** The station's clock and how long "+1 unit done" stays undoable (held-units.ts). */
    now?: () => Date;
    unitGraceMs?: number;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-station-test-'));
  const file = join(dir, 'replica.sqlite');
  let db: Database = openReplica(file).db;
  const order = mintOrderCode();
  const other = mintOrderCode();
  const resource = (n: number) => mintOrderScopedCode('resource', order, n);
  const quantity = options.units ?? 1;
  const units = Array.from({ length: options.units ?? 2 }, (_, i) =>
    mintOrderScopedCode('unit', order, i + 1),
  );
  const packageCount = options.packageCount ?? 1;
  const ownPackages = Array.from({ length: packageCount }, (_, i) =>
    mintOrderScopedCode('package', order, i + 1),
  );
  const operator = mintBadgeCode();
  const supervisor = mintBadgeCode();
  const fill = (store: ReplicaStore) => {
    for (const code of [order, other])
      store.put('order', code, {
        code,
        state,
        lineId: 'L1',
        shipTo: 'Suzhou 苏州',
        carrier: 'SF',
        customerReference: 'R-1',
        unitsOrdered: quantity,
        packageCount: options.packages ? packageCount : null,
        lines: [
          {
            position: 1,
            product: 'P',
            nameEn: 'Table',
            nameZh: '桌子',
            quantity,
            bom: [
              {
                resourceType: 'top',
                materialName: 'Oak top',
                quantityPerUnit: 1,
                step: 'assembly',
              },
              {
                resourceType: 'leg',
                materialName: 'Oak leg',
                quantityPerUnit: 2,
                step: 'assembly',
              },
            ],
          },
        ],
      });
    const types = ['top', 'leg', 'leg', 'leg', 'glue'];
    types.forEach((type, i) =>
      store.put('resource', resource(i + 1), {
        code: resource(i + 1),
        order,
        serial: i + 1,
        resourceType: type,
        materialName: type,
        step: 'assembly',
        consumedAt: null,
      }),
    );
    for (const [i, code] of units.entries())
      store.put('unit', code, { code, order, serial: i + 1, package: null });
    if (options.packages)
      ownPackages.forEach((code, i) =>
        store.put('package', code, {
          code,
          order,
          number: i + 1,
          of: packageCount,
          sscc: null,
          units: [],
          closedAt: '2026-12-01T08:00:00.000Z',
          dispatchedAt: null,
        }),
      );
    const otherPackage = mintOrderScopedCode('package', other, 1);
    store.put('package', otherPackage, {
      code: otherPackage,
      order: other,
      number: 1,
      of: 1,
      sscc: null,
      closedAt: 'x',
      dispatchedAt: null,
    });
    store.put('badge', operator, {
      code: operator,
      name: 'Zhao',
      role: 'operator',
      revokedAt: null,
    });
    store.put('badge', supervisor, {
      code: supervisor,
      name: 'Chen',
      role: 'supervisor',
      revokedAt: null,
    });
  };
  fill(new ReplicaStore(db));
  let devices = new StationDevices();
  const open = () => {
    const store = new ReplicaStore(db);
    devices = new StationDevices();
    return stationOver({
      db,
      store,
      outbox: new Outbox(db, 'station-1'),
      identity: { id: 'station-1', name: 'test', role, line: 'L1', serverUrl: 'https://localhost' },
      devices,
      ...(options.now ? { now: options.now } : {}),
      ...(options.unitGraceMs !== undefined ? { unitGraceMs: options.unitGraceMs } : {}),
    });
  };
  const first = open();
  // The line requires a logged-in operator (the default): most tests work as one.
  if (options.loggedIn ?? true) first.login(operator);
  const fixture = {
    station: first,
    order,
    other,
    resource,
    units,
    operator,
    supervisor,
    otherPackage: mintOrderScopedCode('package', other, 1),
    ownPackage: ownPackages[0]!,
    db: () => db,
    store: () => new ReplicaStore(db),
    /** The devices of the station now open (the scanner's reads come from here). */
    devices: () => devices,
    events: (): StationEvent[] =>
      (db.prepare('SELECT event FROM outbox ORDER BY seq').pluck().all() as string[]).map(
        (text) => JSON.parse(text) as StationEvent,
      ),
    /** Close everything and open the same file again, as a restart after a power cut. */
    async restart() {
      fixture.station.stop();
      await devices.close();
      db.close();
      db = openReplica(file).db;
      fixture.station = open();
      await fixture.station.start();
    },
    async close() {
      fixture.station.stop();
      await devices.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A fixture per test, closed after it: call it where a test would call stationFixture. */
export function fixturePerTest(): typeof stationFixture {
  let current: ReturnType<typeof stationFixture> | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return (...args) => (current = stationFixture(...args));
}

/** A reply's verdict, or the refusal's key. */
export const verdictOf = (reply: CommandReply) =>
  reply.ok ? reply.decision?.verdict : `refused ${reply.error.key}`;

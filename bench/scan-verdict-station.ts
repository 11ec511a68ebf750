import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import { sqliteLookup } from '#station/replica/sqlite-lookup.ts';
import { Station } from '#station/service/station.ts';

/**
 * A production station on a real replica file (WAL, synchronous FULL) holding one released
 * order with `resources` legs to consume, and the order loaded: what the benchmark scans into.
 */
export function benchStation(resources: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-bench-station-'));
  const { db } = openReplica(join(dir, 'replica.sqlite'));
  const store = new ReplicaStore(db);
  const order = mintOrderCode();
  const legs = Array.from({ length: resources }, (_, i) =>
    mintOrderScopedCode('resource', order, i + 1),
  );
  db.transaction(() => {
    store.put('order', order, {
      code: order,
      state: 'released',
      lineId: 'L1',
      shipTo: 'Suzhou',
      carrier: null,
      customerReference: null,
      unitsOrdered: resources,
      packageCount: null,
      lines: [
        {
          position: 1,
          product: 'P',
          nameEn: 'Stool',
          nameZh: '凳子',
          quantity: resources,
          bom: [
            { resourceType: 'leg', materialName: 'Oak leg', quantityPerUnit: 1, step: 'assembly' },
          ],
        },
      ],
    });
    legs.forEach((code, i) =>
      store.put('resource', code, {
        code,
        order,
        serial: i + 1,
        resourceType: 'leg',
        materialName: 'Oak leg',
        step: 'assembly',
        consumedAt: null,
      }),
    );
    store.setMeta('ready', '1');
  })();
  const devices = new StationDevices();
  const station = new Station({
    db,
    store,
    outbox: new Outbox(db, 'bench'),
    replica: sqliteLookup(db),
    identity: {
      id: 'bench',
      name: 'bench',
      role: 'production',
      line: 'L1',
      serverUrl: 'https://localhost',
    },
    devices,
  });
  station.scan(order);
  return {
    station,
    devices,
    order,
    legs,
    badge: mintBadgeCode(),
    async close() {
      await devices.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

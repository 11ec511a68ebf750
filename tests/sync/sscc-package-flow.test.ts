/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_STEP } from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import { hasValidGs1CheckDigit } from '#core/gs1/check-digit.ts';
import { ssccReferencesLeft } from '#db/sscc-store.ts';
import type { LabelDocument, PrintResult } from '#native/printers/printer.ts';
import { StationDevices } from '#station/devices/station-devices.ts';
import { decodeImage, rasterise, withTempDir } from '../labels/zbar.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import { releasedOrder } from '../server/station-flow.ts';
import {
  enrolledReplica,
  eventually,
  RestartableServer,
  type TestReplica,
} from './sync-harness.ts';
import { stationOver } from '#station/station-parts.ts';

/*
 * One package from the packing bench to the customer, by its SSCC: the station takes it from
 * its block, prints it on the label (zbar reads it back), pushes it; the server's package
 * record, the trace and the EPCIS aggregation carry the same SSCC, and the customer may
 * confirm receipt by scanning it.
 */
class CapturingDevices extends StationDevices {
  readonly printed: LabelDocument[] = [];
  override async print(document: LabelDocument): Promise<PrintResult> {
    this.printed.push(document);
    return super.print(document);
  }
}

describe.each(STORAGES)('a package and its SSCC on %s', (storage) => {
  const plant = new RestartableServer(storage);
  plant.env = { GS1_COMPANY_PREFIX: '9521234' };
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  const open: TestReplica[] = [];
  const devices = new CapturingDevices();

  beforeAll(async () => {
    await plant.start();
    [admin, planner, customer] = await plant.userClients('admin', 'planner', 'customer');
    await admin.post('/api/v1/lines', { name: 'L1' });
  }, 30_000);
  afterAll(async () => {
    await devices.close();
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  }, 30_000);

  it(
    'carries one SSCC from the label to the package record, the trace, EPCIS and the receipt',
    { timeout: 120_000 },
    async () => {
      const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
      const order = await releasedOrder(customer, planner, product, 1);
      const production = await enrolledReplica(plant, admin, 'production', 'L1');
      const packing = await enrolledReplica(plant, admin, 'packing', 'L1');
      open.push(production, packing);
      // The line requires an operator: Li's badge, on record at production and at packing.
      const badge = (await admin.post('/api/v1/badges', { name: 'Li', role: 'operator' })).body
        .code as string;
      production.sync.start();
      packing.sync.start();
      const stationOf = (replica: TestReplica, role: 'production' | 'packing') =>
        stationOver({
          ...replica,
          identity: {
            id: replica.enrollment.stationId,
            name: role,
            role,
            line: 'L1',
            serverUrl: plant.url,
          },
          devices: role === 'packing' ? devices : new StationDevices(),
          sync: replica.sync,
        });
      // Production makes the table at its own station: Li logs in, every resource is scanned.
      const making = stationOf(production, 'production');
      await eventually(
        () =>
          making.replica.badge(badge) !== undefined &&
          order.resources.every((r) => making.replica.resource(r.code) !== undefined),
        30_000,
        'the order at the production station',
      );
      expect(making.scan(badge).ok).toBe(true);
      expect(making.scan(order.code).ok).toBe(true);
      for (const resource of order.resources) {
        const consumed = making.scan(resource.code);
        expect(consumed.ok && consumed.decision?.verdict).toBe('accepted');
      }
      expect(making.reportProgress(FINISHED_STEP, 1)).toMatchObject({ ok: true });
      const station = stationOf(packing, 'packing');
      await station.start();
      await eventually(
        () =>
          station.replica.order(order.code)?.state === 'produced' &&
          station.replica.badge(badge) !== undefined &&
          ssccReferencesLeft(packing.db) > 0,
        30_000,
        'the order produced, the badge and an SSCC block at the packing station',
      );

      expect(station.scan(badge).ok).toBe(true);
      const gathered = station.scan(order.units[0]!);
      expect(gathered.ok && gathered.decision?.verdict).toBe('accepted');
      expect(await station.closePackage()).toMatchObject({ ok: true });
      // Read the whole outbox, acknowledged rows too: the push may already have sent it.
      const closed = (
        packing.db.prepare('SELECT event FROM outbox ORDER BY seq').pluck().all() as string[]
      )
        .map((text) => (JSON.parse(text) as StationEvent).body)
        .find((body) => body.type === 'package.closed');
      const sscc = closed?.type === 'package.closed' ? closed.sscc : null;
      expect(sscc).toMatch(/^09521234[0-9]{10}$/);
      expect(hasValidGs1CheckDigit(sscc!)).toBe(true);

      // The label the station printed: zbar reads the SSCC as GS1-128 (00) and the package code.
      const [label] = devices.printed;
      expect(label?.format).toBe('pdf');
      const decoded = await withTempDir(async (dir) =>
        decodeImage((await rasterise(Buffer.from(label!.data as Uint8Array), dir))[0] ?? ''),
      );
      expect(decoded).toEqual(
        expect.arrayContaining([
          { type: 'CODE-128', data: `00${sscc}`, gs1: true },
          {
            type: 'CODE-128',
            data: closed?.type === 'package.closed' ? closed.package : '',
            gs1: false,
          },
        ]),
      );

      const pkg = closed?.type === 'package.closed' ? closed.package : '';
      const stored = await eventually(
        async () =>
          (await plant.context.storage.db
            .selectFrom('packages')
            .select(['code', 'sscc'])
            .where('code', '=', pkg)
            .executeTakeFirst()) ?? null,
        15_000,
        'the package on the server',
      );
      expect(stored).toEqual({ code: pkg, sscc });

      const trace = await planner.get(`/api/v1/trace/${sscc}`);
      expect(trace.status).toBe(200);
      expect(trace.body.query).toMatchObject({ kind: 'sscc', resolved: pkg });
      expect(trace.body.packages).toEqual([expect.objectContaining({ code: pkg, sscc })]);

      const epcis = await planner.get(`/api/v1/epcis/events?order=${order.code}`);
      expect(epcis.status).toBe(200);
      const events = epcis.body.epcisBody.eventList as any[];
      const aggregation = events.find((event) => event.type === 'AggregationEvent');
      expect(aggregation).toMatchObject({ parentID: `https://id.gs1.org/00/${sscc}` });

      // The customer scans the SSCC off the label: wrong check digit refused, the right one found.
      const typo = `${sscc!.slice(0, -1)}${(Number(sscc!.at(-1)) + 1) % 10}`;
      const misread = await customer.post('/api/v1/receipts', {
        verdict: 'confirm',
        package: typo,
      });
      expect(misread.status).toBe(400);
      expect(misread.body.error.message).toMatch(/check digit/);
      const notShipped = await customer.post('/api/v1/receipts', {
        verdict: 'confirm',
        package: `]C100${sscc}`,
      });
      // Found by its SSCC; refused only because it has not been shipped yet.
      expect(notShipped.body.error.code).toBe('OT_ERR_ILLEGAL_TRANSITION');
    },
  );
});

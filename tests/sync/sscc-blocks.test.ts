import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { hasValidGs1CheckDigit } from '#core/gs1/check-digit.ts';
import {
  blockEnd,
  ssccOfReference,
  SSCC_BLOCK_SIZE,
  SSCC_REFILL_BELOW,
} from '#core/gs1/sscc-blocks.ts';
import { heldSsccBlocks, ssccReferencesLeft, takeSscc } from '#db/sscc-store.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import {
  enrolledReplica,
  eventually,
  openStation,
  RestartableServer,
  type TestReplica,
} from './sync-harness.ts';

/*
 * SSCC blocks through real sync: packing stations get blocks from the server, spend them
 * offline, refill before they run out, and no two packages anywhere share an SSCC, even
 * after the server is restored from a backup older than some of its grants.
 */
const PREFIX = '9521234';
const ORDER = mintOrderCode();
let packages = 0;
/** Close `n` packages' worth of SSCCs at a station, as closePackage takes them. */
const pack = (replica: TestReplica, n: number): string[] =>
  Array.from({ length: n }, () => {
    const sscc = takeSscc(replica.db, mintOrderScopedCode('package', ORDER, ++packages));
    if (!sscc) throw new Error('the station ran out of SSCCs');
    return sscc;
  });
const issued = (replica: TestReplica) =>
  replica.db.prepare('SELECT sscc FROM sscc_issued').pluck().all() as string[];
const refilled = (replica: TestReplica) =>
  eventually(
    () => ssccReferencesLeft(replica.db) >= SSCC_REFILL_BELOW,
    10_000,
    'SSCC blocks refilled',
  );

describe.each(STORAGES)('SSCC blocks on %s', (storage) => {
  const plant = new RestartableServer(storage);
  plant.env = { GS1_COMPANY_PREFIX: PREFIX };
  let admin: ApiClient;
  const open: TestReplica[] = [];
  const packing = async (role: 'packing' | 'production' = 'packing') => {
    const replica = await enrolledReplica(plant, admin, role, 'L1');
    open.push(replica);
    return replica;
  };
  const asStation = (replica: TestReplica) => {
    const api = plant.client();
    api.bearer = replica.enrollment.token;
    return api;
  };
  const serverBlocks = () =>
    plant.context.storage.db
      .selectFrom('sscc_blocks')
      .selectAll()
      .orderBy('first_reference')
      .execute();

  beforeAll(async () => {
    await plant.start();
    admin = await plant.userClient('admin');
    await admin.post('/api/v1/lines', { name: 'L1' });
  }, 30_000);
  afterAll(async () => {
    for (const replica of open) await replica.close().catch(() => undefined);
    await plant.destroy();
  }, 30_000);

  it('gives each packing station its own block through sync and refills it before it runs out', async () => {
    const [a, b] = [await packing(), await packing()];
    a!.sync.start();
    b!.sync.start();
    await Promise.all([refilled(a!), refilled(b!)]);
    const [blockA] = heldSsccBlocks(a!.db);
    const [blockB] = heldSsccBlocks(b!.db);
    expect(blockA).toMatchObject({ companyPrefix: PREFIX, count: SSCC_BLOCK_SIZE });
    expect(blockA!.first === blockB!.first).toBe(false);
    const overlap = blockA!.first < blockEnd(blockB!) && blockB!.first < blockEnd(blockA!);
    expect(overlap).toBe(false);

    const first = pack(a!, 1)[0]!;
    expect(first).toBe(ssccOfReference(PREFIX, blockA!.first));
    expect(hasValidGs1CheckDigit(first)).toBe(true);
    // The same package asks again (a crash before its event was recorded): the same SSCC.
    expect(takeSscc(a!.db, mintOrderScopedCode('package', ORDER, packages))).toBe(first);

    pack(a!, 10);
    // Below the refill mark: the next sync cycle fetches another block, before any runs out.
    expect(ssccReferencesLeft(a!.db)).toBeLessThan(SSCC_REFILL_BELOW);
    await refilled(a!);
    expect(heldSsccBlocks(a!.db)).toHaveLength(2);
    const rows = await serverBlocks();
    expect(rows.map((row) => [row.station_id, row.adopted])).toEqual(
      expect.arrayContaining([
        [a!.enrollment.stationId, 0],
        [b!.enrollment.stationId, 0],
      ]),
    );
    expect(rows.length).toBe(3);
  });

  it('refuses a block that is not one of the prefix, a non-packing station and an old protocol', async () => {
    const station = await packing();
    const api = asStation(station);
    const beyond = await api.post('/api/v1/sync/sscc-blocks', {
      protocol: PROTOCOL_VERSION,
      held: [{ companyPrefix: PREFIX, first: 9_999_999_999, count: 10, next: 9_999_999_999 }],
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.message).toMatch(/not a block of prefix 9521234/);
    const badPrefix = await api.post('/api/v1/sync/sscc-blocks', {
      protocol: PROTOCOL_VERSION,
      held: [{ companyPrefix: '95x', first: 1, count: 10, next: 1 }],
    });
    expect(badPrefix.status).toBe(400);
    expect(JSON.stringify(badPrefix.body.error.issues)).toMatch(/6 to 12 digits/);
    const oldProtocol = await api.post('/api/v1/sync/sscc-blocks', { protocol: 0, held: [] });
    expect(oldProtocol.body.error.code).toBe('OT_ERR_PROTOCOL');
    const production = asStation(await packing('production'));
    const wrongRole = await production.post('/api/v1/sync/sscc-blocks', {
      protocol: PROTOCOL_VERSION,
      held: [],
    });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.error.message).toMatch(/Only packing stations/);
    const anonymous = await plant.client().post('/api/v1/sync/sscc-blocks', {
      protocol: PROTOCOL_VERSION,
      held: [],
    });
    expect(anonymous.status).toBe(401);
    // Nothing was granted or adopted by any of these.
    expect(
      (await serverBlocks()).filter((row) => row.station_id === station.enrollment.stationId),
    ).toEqual([]);
  });

  it('two offline packing stations and a restored server never produce the same SSCC', async () => {
    if (storage === 'postgres') {
      // A PostgreSQL restore is pg_restore of the same tables; the SQLite file copy proves the logic.
      return;
    }
    const a = await packing();
    const b = await packing();
    a.sync.start();
    b.sync.start();
    await Promise.all([refilled(a), refilled(b)]);

    // The backup: every grant after this is lost when it is restored.
    await plant.stop();
    const file = `${plant.dataDir}/ordertrace.sqlite`;
    copyFileSync(file, `${file}.backup`);
    await plant.start();

    // A packs past its refill mark and gets a block the backup does not know.
    pack(a, SSCC_BLOCK_SIZE - SSCC_REFILL_BELOW + 1);
    await refilled(a);
    const lostGrant = heldSsccBlocks(a.db).at(-1)!;

    // The server goes down; both stations pack on offline.
    await plant.stop();
    pack(a, SSCC_BLOCK_SIZE / 2);
    pack(b, SSCC_BLOCK_SIZE / 2);

    // Restored from the backup. B reaches it first, before A can say what it holds.
    await a.close();
    copyFileSync(`${file}.backup`, file);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) writeFileSync(file + suffix, '');
    await plant.start();
    const known = (await serverBlocks()).map((row) => row.first_reference);
    expect(known).not.toContain(lostGrant.first);
    await refilled(b);
    const grantedToB = heldSsccBlocks(b.db).at(-1)!;
    expect(grantedToB.first).toBeGreaterThanOrEqual(blockEnd(lostGrant));

    // A comes back: the server adopts the block it forgot and never hands it out again.
    const again = openStation(a.file, a.enrollment);
    open.push(again);
    again.sync.start();
    pack(again, SSCC_BLOCK_SIZE / 2);
    await refilled(again);
    const adopted = (await serverBlocks()).find((row) => row.first_reference === lostGrant.first);
    expect(adopted).toMatchObject({ station_id: a.enrollment.stationId, adopted: 1 });
    pack(again, SSCC_BLOCK_SIZE / 2);
    pack(b, SSCC_BLOCK_SIZE / 2);

    const all = [...issued(again), ...issued(b)];
    expect(all.length).toBeGreaterThan(2 * SSCC_BLOCK_SIZE);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((sscc) => sscc.startsWith(`0${PREFIX}`) && hasValidGs1CheckDigit(sscc))).toBe(
      true,
    );
  });
});

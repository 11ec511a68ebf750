import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChangesSchema, pullResponseSchema, PROTOCOL_VERSION } from '#core/api/sync.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import type { ResourceRow } from '#core/sync/replicated-rows.ts';
import { openReplica } from '#db/open-replica.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { appendChanges, type Change } from '#server/replication/change-log.ts';
import { pullChanges } from '#station/sync/pull.ts';
import type { SyncClient } from '#station/sync/sync-client.ts';
import type { ApiClient } from '../server/harness.ts';
import { STORAGES } from '../server/harness.ts';
import {
  enrolledReplica,
  eventually,
  RestartableServer,
  tappedSync,
  type SyncTap,
  type TestReplica,
} from './sync-harness.ts';

/*
 * The live channel carries the changed rows of each station's scope with the cursor
 * (docs/sync.md, live): a station in scope applies them without pulling, a station of
 * another scope hears nothing of them, a gap is answered by a pull, and whatever the
 * interleaving of changes, deliveries, lost deliveries and pulls, the replica ends as one
 * full pull would leave it. Real server, real HTTPS, real SQLite replicas.
 */
const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 8);

describe.each(STORAGES)('live changes pushed to stations on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let admin: ApiClient;
  const lineIds: Record<'L1' | 'L2', string> = { L1: '', L2: '' };
  const open: { replica: TestReplica; sync: SyncClient; tap: SyncTap }[] = [];
  let version = 0;

  beforeAll(async () => {
    await plant.start();
    admin = await plant.userClient('admin');
    for (const name of ['L1', 'L2'] as const)
      lineIds[name] = (await admin.post('/api/v1/lines', { name })).body.id as string;
  });
  afterAll(async () => {
    for (const { sync, replica } of open) {
      await sync.stop().catch(() => undefined);
      replica.db.close();
    }
    await plant.destroy();
  });

  /** An enrolled station whose link the test taps, live and caught up, its poll a minute away. */
  const tappedStation = async (line: 'L1' | 'L2', role: StationRole = 'production') => {
    const replica = await enrolledReplica(plant, admin, role, line);
    const { sync, tap } = tappedSync(replica);
    open.push({ replica, sync, tap });
    sync.start();
    await eventually(
      () => sync.status().link === 'live' && sync.ready && tap.taken >= 1,
      20_000,
      'live and ready',
    );
    await sync.pullAll();
    return { replica, sync, tap };
  };

  /** A resource row of a line (or of every line) and a role (or every role), committed and announced. */
  const change = async (
    key: string,
    scope: { lineId: string | null; role?: string | null },
    deleted = false,
  ): Promise<number> => {
    const data: ResourceRow = {
      code: key,
      order: 'RD0000000000',
      serial: 1,
      resourceType: 'board',
      materialName: `Oak v${++version}`,
      step: 'Cutting',
      consumedAt: null,
    };
    const row: Change = {
      entity: 'resource',
      key,
      data: deleted ? null : data,
      lineId: scope.lineId,
      role: scope.role ?? null,
    };
    const { db, kind } = plant.context.storage;
    await db.transaction().execute((trx) => appendChanges(trx, kind, new Date(), [row]));
    plant.context.live.publish('changes');
    const newest = await db
      .selectFrom('change_log')
      .select((eb) => eb.fn.max<number>('id').as('id'))
      .executeTakeFirstOrThrow();
    return Number(newest.id);
  };

  const resourceData = (replica: TestReplica, code: string) =>
    replica.db.prepare('SELECT data FROM resources WHERE code = ?').pluck().get(code) as
      string | undefined;

  it('applies the changed rows it is sent, without a pull, the rows exactly as a pull returns them', async () => {
    const { replica, tap } = await tappedStation('L1');
    const pullsBefore = tap.pulls;
    const deliveredBefore = tap.delivered.length;
    await change('RSLIVE00001', { lineId: lineIds.L1 });
    await change('RSLIVE00002', { lineId: null });
    await eventually(
      () => resourceData(replica, 'RSLIVE00001') && resourceData(replica, 'RSLIVE00002'),
      10_000,
      'both rows on the station',
    );
    expect(tap.pulls).toBe(pullsBefore);
    const messages = tap.delivered
      .slice(deliveredBefore)
      .map((text) => liveChangesSchema.parse(JSON.parse(text)));
    const first = messages.find((message) => message.changes.length > 0)!;
    const pulled = pullResponseSchema.parse(
      await tap.real.json(
        'GET',
        `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=${first.after}&limit=1000`,
      ),
    );
    expect(pulled.changes.filter((c) => c.id <= first.cursor)).toEqual(first.changes);
    expect(JSON.parse(resourceData(replica, 'RSLIVE00001')!)).toMatchObject({
      code: 'RSLIVE00001',
      materialName: expect.stringMatching(/^Oak v/),
    });
  });

  it('sends a station of another line or role nothing of a change outside its scope', async () => {
    const inScope = await tappedStation('L1', 'production');
    const otherLine = await tappedStation('L2', 'production');
    const otherRole = await tappedStation('L1', 'packing');
    const before = [otherLine, otherRole].map(({ tap }) => ({
      delivered: tap.delivered.length,
      pulls: tap.pulls,
    }));
    await change('RSSCOPE0001', { lineId: lineIds.L1, role: 'production' });
    await eventually(() => resourceData(inScope.replica, 'RSSCOPE0001'), 10_000, 'in scope');
    // A change for everyone afterwards: once it has arrived, anything of the first would have too.
    await change('RSSCOPE0002', { lineId: null });
    for (const [index, other] of [otherLine, otherRole].entries()) {
      await eventually(() => resourceData(other.replica, 'RSSCOPE0002'), 10_000, 'for everyone');
      expect(resourceData(other.replica, 'RSSCOPE0001')).toBeUndefined();
      const sent = other.tap.delivered.slice(before[index]!.delivered).join('\n');
      expect(sent).not.toContain('RSSCOPE0001');
      expect(sent).toContain('RSSCOPE0002');
      expect(other.tap.pulls).toBe(before[index]!.pulls);
    }
  });

  it('pulls when a delivery shows a gap (an earlier one was lost), and ends with both rows', async () => {
    const { replica, tap } = await tappedStation('L1');
    const pullsBefore = tap.pulls;
    tap.dropNext = 1;
    await change('RSGAP000001', { lineId: lineIds.L1 });
    await eventually(() => tap.dropped === 1, 10_000, 'the first delivery lost');
    expect(resourceData(replica, 'RSGAP000001')).toBeUndefined();
    await change('RSGAP000002', { lineId: lineIds.L1 });
    await eventually(
      () => resourceData(replica, 'RSGAP000001') && resourceData(replica, 'RSGAP000002'),
      10_000,
      'both rows, through a pull',
    );
    expect(tap.pulls).toBeGreaterThan(pullsBefore);
  });

  type Command =
    | {
        kind: 'change';
        line: 'L1' | 'L2' | null;
        role: StationRole | null;
        key: number;
        deleted: boolean;
      }
    | { kind: 'deliver' }
    | { kind: 'lose' }
    | { kind: 'start pull' }
    | { kind: 'finish pull' };
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('change' as const),
        // Mostly the station's own scope, where the deliveries are.
        line: fc.constantFrom('L1' as const, 'L1' as const, 'L2' as const, null),
        role: fc.constantFrom<StationRole | null>('production', 'production', 'packing', null),
        key: fc.nat(6),
        deleted: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ kind: 'deliver' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'lose' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'start pull' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'finish pull' as const }) },
  );

  const replicaRows = (db: TestReplica['db']) =>
    db.prepare('SELECT code, data FROM resources ORDER BY code').all();

  it('ends equal to a full pull after any interleaving of changes, deliveries, losses and pulls', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        const prefix = `RSP${++run}X`;
        const { replica, sync, tap } = await tappedStation('L1');
        tap.holding = true;
        let heldPull: { release: () => void } | undefined;
        try {
          for (const step of commands) {
            if (step.kind === 'change') {
              const lineId = step.line ? lineIds[step.line] : null;
              // An entity stays in one scope (the key names it), as the server's do.
              const id = await change(
                `${prefix}${step.line ?? 'AL'}${step.role ?? 'ALL'}${step.key}`,
                { lineId, role: step.role },
                step.deleted,
              );
              const mine =
                (lineId === null || lineId === lineIds.L1) &&
                (step.role === null || step.role === 'production');
              // Its delivery is on its way before the next step (out of scope: nothing comes).
              if (mine) await eventually(() => tap.sentCursor >= id, 10_000, 'the delivery');
            } else if (step.kind === 'deliver' && tap.waiting.length > 0) {
              const taken = tap.taken;
              tap.release();
              await eventually(() => tap.taken > taken, 10_000, 'the delivery taken');
            } else if (step.kind === 'lose') {
              tap.drop();
            } else if (step.kind === 'start pull' && !heldPull) {
              const gate = tap.holdNextPull();
              sync.pullAll().catch(() => undefined);
              await gate.held;
              heldPull = gate;
            } else if (step.kind === 'finish pull' && heldPull) {
              heldPull.release();
              heldPull = undefined;
            }
          }
          heldPull?.release();
          tap.holding = false;
          tap.release();
          await eventually(() => tap.waiting.length === 0, 10_000, 'every delivery taken');
          // What the station's poll does at the latest: a pull after its own cursor.
          await sync.pullAll();
          const { db: fullDb } = openReplica(
            join(mkdtempSync(join(tmpdir(), 'ordertrace-full-')), 'replica.sqlite'),
          );
          const full = new ReplicaStore(fullDb);
          await pullChanges(tap.real, full, () => undefined);
          expect(replicaRows(replica.db)).toEqual(replicaRows(fullDb));
          expect(replica.store.cursor).toBe(full.cursor);
          fullDb.close();
        } finally {
          heldPull?.release();
          await sync.stop();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

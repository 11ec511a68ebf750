import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '#core/api/sync.ts';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * Sync never delays a verdict (issue 14; docs/sync.md): a pulled batch is applied in short
 * slices, each its own transaction that moves the cursor to its last change, with the event
 * loop given back in between. A scan that arrives meanwhile is decided before the batch ends;
 * the replica is always the change log up to its cursor.
 */
const resourceChanges = (count: number): Change[] => {
  const order = mintOrderCode();
  return Array.from({ length: count }, (_, i) => {
    const code = mintOrderScopedCode('resource', order, i + 1);
    return {
      id: i + 1,
      entity: 'resource',
      key: code,
      data: {
        code,
        order,
        serial: i + 1,
        resourceType: 'leg',
        materialName: 'Oak leg',
        step: 'assembly',
        consumedAt: null,
      },
    };
  });
};

describe('a pulled batch applied in slices', () => {
  it('lets a scan be decided while a large batch applies: the verdict comes before the batch ends', async () => {
    const f = stationFixture('production');
    try {
      const store = f.store();
      expect(f.station.scan(f.order)).toMatchObject({
        ok: true,
        decision: { verdict: 'accepted' },
      });
      const changes = resourceChanges(30_000);
      let finished = false;
      const applying = store
        .applyRangeInSlices({ after: 0, cursor: 30_000, changes })
        .then(() => (finished = true));
      // The scan arrives as a scanner's read does: on a later turn of the event loop.
      const verdict = await new Promise<{ verdict: string; finished: boolean; cursor: number }>(
        (resolve) =>
          setImmediate(() => {
            const reply = f.station.scan(f.resource(2));
            resolve({
              verdict: reply.ok ? (reply.decision?.verdict ?? 'none') : reply.error.key,
              finished,
              cursor: store.cursor,
            });
          }),
      );
      expect(verdict.verdict).toBe('accepted');
      expect(verdict.finished).toBe(false);
      expect(verdict.cursor).toBeGreaterThan(0);
      expect(verdict.cursor).toBeLessThan(30_000);
      await applying;
      expect(store.cursor).toBe(30_000);
      expect(f.db().prepare('SELECT COUNT(*) FROM resources').pluck().get()).toBe(30_000 + 5);
      // The decision's effect and its event are intact after the batch.
      const consumed = f
        .db()
        .prepare('SELECT consumed_locally_at FROM resources WHERE code = ?')
        .pluck()
        .get(f.resource(2));
      expect(consumed).not.toBeNull();
      expect(f.events().map((event) => event.body.type)).toContain('scan.decided');
    } finally {
      await f.close();
    }
  });

  it('keeps the replica equal to the change log up to its cursor at every slice, and ends as one transaction would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-slices-'));
    let run = 0;
    try {
      const badgeChange = fc.record({
        key: fc.constantFrom('B1', 'B2', 'B3', 'B4'),
        name: fc.option(fc.constantFrom('Zhao', 'Qian', 'Sun'), { nil: null }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(badgeChange, { maxLength: 60 }),
          fc.constantFrom(0, 0.05, 5),
          async (drafts, sliceMs) => {
            run++;
            const changes: Change[] = drafts.map((draft, i) => ({
              id: 10 * (i + 1),
              entity: 'badge',
              key: draft.key,
              data:
                draft.name === null
                  ? null
                  : { code: draft.key, name: draft.name, role: 'operator', revokedAt: null },
            }));
            const finalCursor = 10 * changes.length + 5;
            const sliced = openReplica(join(dir, `sliced-${run}.sqlite`)).db;
            const whole = openReplica(join(dir, `whole-${run}.sqlite`)).db;
            try {
              const store = new ReplicaStore(sliced);
              const rows = (db: typeof sliced) =>
                db.prepare('SELECT code, data FROM badges ORDER BY code').all();
              const expectedAt = (cursor: number) => {
                const state = new Map<string, string>();
                for (const change of changes.filter((c) => c.id <= cursor)) {
                  if (change.data) state.set(change.key, JSON.stringify(change.data));
                  else state.delete(change.key);
                }
                return [...state.entries()]
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([code, data]) => ({ code, data }));
              };
              let done = false;
              const seen: number[] = [];
              const applying = store.applyRangeInSlices(
                { after: 0, cursor: finalCursor, changes },
                sliceMs,
              );
              void applying.then(() => (done = true));
              while (!done) {
                const cursor = store.cursor;
                seen.push(cursor);
                expect(rows(sliced)).toEqual(expectedAt(cursor));
                await new Promise((resolve) => setImmediate(resolve));
              }
              await applying;
              new ReplicaStore(whole).applyRange({ after: 0, cursor: finalCursor, changes });
              expect(store.cursor).toBe(finalCursor);
              expect(rows(sliced)).toEqual(rows(whole));
              // Zero-length slices take one change each: every prefix was visible.
              if (sliceMs === 0 && changes.length > 2)
                expect(new Set(seen).size).toBeGreaterThan(1);
            } finally {
              sliced.close();
              whole.close();
            }
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

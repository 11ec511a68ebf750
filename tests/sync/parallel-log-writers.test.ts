import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readIntegrationEvents,
  recordIntegrationEvent,
} from '#server/integration/integration-events.ts';
import { appendChanges, type Change } from '#server/replication/change-log.ts';
import { inReadSnapshot, readChangeRange } from '#server/replication/pull.ts';
import { migrate } from '#server/storage/migrate.ts';
import { dropSchema, openStorage, type Storage } from '#server/storage/open-storage.ts';
import { TEST_DATABASE_URL } from '../server/harness.ts';

/*
 * PostgreSQL writers append to the change log and the integration feed in parallel, no lock
 * held to commit (docs/decisions/0008-parallel-log-writers.md). Whatever the writers'
 * schedule (transactions of any size, held open for a while, some rolled back), a reader
 * pulling in a tight loop from its cursor sees every committed row exactly once, in id
 * order, and never a rolled-back one: no row that commits late with a smaller id is skipped.
 * Real PostgreSQL; writers and reader on their own pools, as server instances would be.
 */
const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 8);

interface WriterScript {
  startMs: number;
  /** Appends in the transaction: how many rows each, and how long the transaction then waits. */
  appends: { rows: number; holdMs: number }[];
  feedEvents: number;
  rollsBack: boolean;
}

const writerScript: fc.Arbitrary<WriterScript> = fc.record({
  startMs: fc.integer({ min: 0, max: 30 }),
  appends: fc.array(
    fc.record({ rows: fc.integer({ min: 1, max: 6 }), holdMs: fc.integer({ min: 0, max: 40 }) }),
    { minLength: 1, maxLength: 3 },
  ),
  feedEvents: fc.integer({ min: 0, max: 2 }),
  rollsBack: fc.boolean(),
});

class RolledBack extends Error {}

describe('parallel change-log and feed writers on postgres', () => {
  const schema = `p_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-parallel-'));
  let writers: Storage;
  let reader: Storage;
  let run = 0;

  beforeAll(async () => {
    const open = () => openStorage({ dataDir, databaseUrl: TEST_DATABASE_URL, schema });
    writers = await open();
    await migrate(writers);
    reader = await open();
  });
  afterAll(async () => {
    await dropSchema(writers, schema);
    await writers.close();
    await reader.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const change = (key: string): Change => ({
    entity: 'resource',
    key,
    data: null,
    lineId: null,
  });

  /** One writer's transaction as scripted; the keys it committed (none if it rolled back). */
  const write = async (tag: string, script: WriterScript) => {
    await sleep(script.startMs);
    const keys: string[] = [];
    const feed: string[] = [];
    try {
      await writers.db.transaction().execute(async (trx) => {
        for (const [a, append] of script.appends.entries()) {
          const batch = Array.from({ length: append.rows }, (_, r) => `${tag}-${a}-${r}`);
          await appendChanges(trx, 'postgres', new Date(), batch.map(change));
          keys.push(...batch);
          for (let f = 0; f < script.feedEvents; f++) {
            const label = `${tag}-${a}-f${f}`;
            await recordIntegrationEvent(trx, new Date(), {
              kind: 'line.cleared',
              orderCode: null,
              data: { label },
            });
            feed.push(label);
          }
          await sleep(append.holdMs);
        }
        if (script.rollsBack) throw new RolledBack();
      });
    } catch (error) {
      if (!(error instanceof RolledBack)) throw error;
      return { keys: [], feed: [] };
    }
    return { keys, feed };
  };

  /** Where a reader that has read everything so far stands. */
  const cursors = async () => {
    let change = 0;
    for (;;) {
      const range = await inReadSnapshot({ storage: reader }, (s) =>
        readChangeRange(s, change, 1000, null),
      );
      change = range.cursor;
      if (!range.more) break;
    }
    let feed = 0;
    for (;;) {
      const page = await readIntegrationEvents(reader.db, feed, 1000);
      feed = page.cursor;
      if (!page.more) break;
    }
    return { change, feed };
  };

  it('a reader in a tight loop sees every committed row once, whatever the writers do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(writerScript, { minLength: 2, maxLength: 7 }),
        fc.integer({ min: 1, max: 8 }),
        async (scripts, pageSize) => {
          const prefix = `r${++run}`;
          const start = await cursors();
          const seenKeys: string[] = [];
          const seenFeed: string[] = [];
          const ids = { change: [] as number[], feed: [] as number[] };
          let cursor = start.change;
          let feedCursor = start.feed;
          let done = false;
          const readOnce = async () => {
            const range = await inReadSnapshot({ storage: reader }, (s) =>
              readChangeRange(s, cursor, pageSize, null),
            );
            for (const row of range.rows) {
              ids.change.push(row.id);
              if (row.key.startsWith(`${prefix}-`)) seenKeys.push(row.key);
            }
            expect(range.cursor).toBeGreaterThanOrEqual(cursor);
            cursor = range.cursor;
            const page = await readIntegrationEvents(reader.db, feedCursor, pageSize);
            for (const event of page.events) {
              ids.feed.push(event.seq);
              const label = String(event.data.label);
              if (label.startsWith(`${prefix}-`)) seenFeed.push(label);
            }
            feedCursor = page.cursor;
          };
          const pulling = (async () => {
            while (!done) await readOnce();
          })();
          const written = await Promise.all(
            scripts.map((script, w) => write(`${prefix}-w${w}`, script)),
          );
          done = true;
          await pulling;
          // Everything has committed: read on until the reader stands where a fresh one would.
          const end = await cursors();
          while (cursor < end.change || feedCursor < end.feed) await readOnce();

          const committedKeys = written.flatMap((w) => w.keys).sort();
          const committedFeed = written.flatMap((w) => w.feed).sort();
          expect([...seenKeys].sort()).toEqual(committedKeys);
          expect([...seenFeed].sort()).toEqual(committedFeed);
          for (const list of [ids.change, ids.feed])
            for (let i = 1; i < list.length; i++) expect(list[i]).toBeGreaterThan(list[i - 1]!);
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});

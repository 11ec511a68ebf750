import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase, { type Database } from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICATED_ENTITIES, type ReplicatedEntity } from '#core/api/sync.ts';
import {
  REPLICA_DATA_COLUMNS,
  REPLICA_MIGRATIONS,
  REPLICA_TABLE,
  REPLICA_UPSERT_SQL,
  replicaInsertSelectSql,
  replicaRowParameters,
} from '#core/sync/replica-layout.ts';

/*
 * One replica layout for both ends (core/sync/replica-layout.ts): a row a station upserts
 * from its parsed data (replicaRowParameters) and the same row the server puts into a
 * replica file with SQLite taking the columns from the data text (replicaInsertSelectSql)
 * are the same row, whatever the data holds: strings, other JSON values, missing fields.
 */
const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 50);

const FIELDS = [
  ...new Set(Object.values(REPLICA_DATA_COLUMNS).flatMap((columns) => columns.map((c) => c[1]))),
];

/** A field's value: mostly strings (as the server sends), sometimes any other JSON value. */
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const rowData = fc.dictionary(
  fc.oneof(fc.constantFrom(...FIELDS), fc.string({ minLength: 1, maxLength: 8 })),
  fieldValue,
  { maxKeys: 12 },
);
const rows = fc.uniqueArray(
  fc.record({
    key: fc.string({ minLength: 1, maxLength: 64 }),
    data: rowData,
  }),
  { selector: (row) => row.key, maxLength: 20 },
);

describe('the replica layout, from parsed data and from data text', () => {
  let dir: string;
  let byStation: Database;
  let byServer: Database;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ordertrace-replica-layout-'));
    byStation = new SqliteDatabase(join(dir, 'station.sqlite'));
    byServer = new SqliteDatabase(join(dir, 'server-built.sqlite'));
    for (const db of [byStation, byServer]) {
      db.pragma('synchronous = OFF');
      for (const migration of REPLICA_MIGRATIONS) db.exec(migration);
    }
  });
  afterAll(() => {
    byStation.close();
    byServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tableOf = (db: Database, entity: ReplicatedEntity) =>
    db.prepare(`SELECT * FROM ${REPLICA_TABLE[entity]} ORDER BY code`).all();

  it.each(REPLICATED_ENTITIES)('gives the same %s rows either way', (entity) => {
    const upsert = byStation.prepare(REPLICA_UPSERT_SQL[entity]);
    const fromText = byServer.prepare(
      replicaInsertSelectSql(entity, `FROM (SELECT ? AS entity_key, ? AS data)`),
    );
    fc.assert(
      fc.property(rows, (generated) => {
        for (const db of [byStation, byServer]) db.exec(`DELETE FROM ${REPLICA_TABLE[entity]}`);
        // One transaction per run and file: the property is about values, not about fsync.
        byStation.transaction(() => {
          for (const { key, data } of generated) {
            const text = JSON.stringify(data);
            upsert.run(
              replicaRowParameters(key, JSON.parse(text) as Record<string, unknown>, text),
            );
          }
        })();
        byServer.transaction(() => {
          for (const { key, data } of generated) fromText.run(key, JSON.stringify(data));
        })();
        expect(tableOf(byServer, entity)).toEqual(tableOf(byStation, entity));
      }),
      { numRuns: RUNS },
    );
  });

  it('names only columns the station gives a value', () => {
    const named = new Set(Object.keys(replicaRowParameters('K', {}, '{}')));
    for (const columns of Object.values(REPLICA_DATA_COLUMNS))
      for (const [, field] of columns) expect(named).toContain(field);
  });
});

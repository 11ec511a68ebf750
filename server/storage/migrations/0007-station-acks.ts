import { sql, type Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * Each station's acknowledgement (docs/sync.md): the highest n such that its events 1..n are
 * all stored, kept in a row that ingest updates in the same transaction as the events, so a
 * push no longer scans the station's history to answer it. A backup carries the row with the
 * events it describes. Backfilled here from the events already held.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('station_acks')
    .addColumn('station_id', 'text', (c) => c.primaryKey().references('stations.id'))
    .addColumn('acked_through', 'bigint', (c) => c.notNull())
    // The highest sequence held: above acked_through only while a gap waits to be filled,
    // so only then does ingest look past the acknowledgement for events held beyond it.
    .addColumn('highest_seq', 'bigint', (c) => c.notNull())
    .execute();
  await backfillStationAcks(db);
}

/** Each station's row from the events it holds (exported for the test that checks it). */
export async function backfillStationAcks(db: Kysely<any>): Promise<void> {
  // Acknowledged: the first gap's start, for stations holding their event 1 (0 for the others).
  await sql`
    INSERT INTO station_acks (station_id, acked_through, highest_seq)
    SELECT x.station_id,
      CASE WHEN EXISTS (SELECT 1 FROM events g WHERE g.station_id = x.station_id AND g.seq = 1)
        THEN (SELECT MIN(e.seq) FROM events e WHERE e.station_id = x.station_id
          AND NOT EXISTS (SELECT 1 FROM events f WHERE f.station_id = e.station_id AND f.seq = e.seq + 1))
        ELSE 0 END,
      MAX(x.seq)
    FROM events x GROUP BY x.station_id`.execute(db);
}

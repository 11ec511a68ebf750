import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * The server as the authority (docs/sync.md "The server's checks"): every station event is
 * stored, and either applied or rejected with the reason (`outcome`, `rejection`); an
 * exception names the station's sequence number of the event it is about; each line has the
 * rules its stations enforce (unknown labels, operator required) as JSON text.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('applied'))
    .execute();
  await db.schema.alterTable('events').addColumn('rejection', 'text').execute();
  await db.schema.alterTable('exceptions').addColumn('station_seq', 'integer').execute();
  await db.schema
    .alterTable('lines')
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}

import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * SSCC reference blocks handed out to packing stations (docs/decisions/0006-sscc-blocks.md),
 * one row per block, never deleted: the highest end per company prefix is where the next
 * block starts. `adopted`: a block a station reported that this database did not know
 * (it was restored from a backup older than the grant).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('sscc_blocks')
    .addColumn('company_prefix', 'text', (c) => c.notNull())
    .addColumn('first_reference', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('station_id', 'text')
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('adopted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sscc_blocks_pk', ['company_prefix', 'first_reference'])
    .execute();
}

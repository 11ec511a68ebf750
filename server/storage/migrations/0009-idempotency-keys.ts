import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * Idempotency-Key on the creating POSTs (docs/api.md, "Retrying safely"): one row per
 * caller and key, written in the same transaction as the record the request created, with
 * the answer the request got, so a retry after a lost answer gets that answer and creates
 * nothing. The primary key is the lock two requests with one key meet on. Rows end at
 * expires_at (a day) and a sweep deletes them by it.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['caller', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_at')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}

import { sql, type Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * Sessions end after a time without use as well as at their absolute end
 * (docs/security.md, "Sessions"): last_seen_at is when the session was last used (kept to
 * the minute), and expired sessions are deleted by a sweep that looks them up by end.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
  await sql`UPDATE sessions SET last_seen_at = created_at`.execute(db);
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
  await db.schema
    .createIndex('sessions_last_seen_at')
    .on('sessions')
    .column('last_seen_at')
    .execute();
}

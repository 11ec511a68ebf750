import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * The plant's own label templates, one per label kind; a kind without a row prints with
 * the default template. The template is JSON text, validated by core's template schema
 * before it is stored. Plain text columns: the same DDL serves SQLite and PostgreSQL.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('label_templates')
    .addColumn('kind', 'text', (c) => c.primaryKey())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

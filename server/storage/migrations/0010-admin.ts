import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * The back office's admin screens (docs/back-office-api.md):
 * - products can be edited and retired: retired_at hides a product from the catalog and new
 *   orders; updated_at tells the in-memory catalog index that a product changed.
 * - a badge's code is a credential, shown once when it is issued: lists and the audit log
 *   name a badge by a new id instead (old audit entries are rewritten to it).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema.alterTable('products').addColumn('retired_at', 'text').execute();
  await db.schema.alterTable('products').addColumn('updated_at', 'text').execute();
  await sql`UPDATE products SET updated_at = created_at`.execute(db);

  await db.schema.alterTable('badges').addColumn('id', 'text').execute();
  const badges = await db.selectFrom('badges').select('code').execute();
  for (const { code } of badges as { code: string }[]) {
    const id = randomUUID();
    await db.updateTable('badges').set({ id }).where('code', '=', code).execute();
    await db
      .updateTable('audit_log')
      .set({ entity_id: id })
      .where('entity', '=', 'badge')
      .where('entity_id', '=', code)
      .execute();
  }
  await db.schema.createIndex('badges_id').on('badges').column('id').unique().execute();
}

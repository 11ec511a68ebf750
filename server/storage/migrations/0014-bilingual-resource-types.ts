import type { Kysely } from 'kysely';

/*
 * A bill of materials' resource types (leg, panel, hardware) carry a Chinese name beside the
 * English one, as materials and steps do since 0012 (issue 16: no English on Chinese
 * screens). The English type stays the key a station counts consumed resources by; the
 * Chinese one is only read. '' means "none given": screens show the English type.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('bom_items')
    .addColumn('resource_type_zh', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

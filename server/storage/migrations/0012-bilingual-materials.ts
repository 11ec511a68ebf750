import type { Kysely } from 'kysely';

/*
 * Materials and steps carry a Chinese name beside the English one (issue 16, "bilingual
 * data"): on a product's bill of materials and on the coded resources a release makes from it.
 * An empty Chinese name means "none given": every screen then shows the English name
 * (core/text/bilingual.ts), so rows from before this migration read as they always did.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['bom_items', 'resources']) {
    await db.schema
      .alterTable(table)
      .addColumn('material_name_zh', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable(table)
      .addColumn('step_zh', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  }
}

import type { Kysely } from 'kysely';

/*
 * Whether a product's bill of materials is fixed (an order with it was released) is read
 * with every product shown to the back office, so order lines are found by product too.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('order_lines_product')
    .on('order_lines')
    .column('product_id')
    .execute();
}

import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * The conversation on an order between its customer and customer service (issue 17):
 * messages, product proposals for a line, and the customer's answers to them. Plain text
 * columns: the same DDL serves SQLite and PostgreSQL.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, _kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('order_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('position', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id'))
    .addColumn('proposal_id', 'text')
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('order_messages_by_order')
    .on('order_messages')
    .columns(['order_id', 'created_at'])
    .execute();
}

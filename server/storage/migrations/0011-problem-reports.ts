import type { Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/*
 * Customers' problem reports on delivered orders (core/api/problems.ts) and their photos,
 * kept in the database so every server instance serves them and a backup holds them.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, kind: StorageKind): Promise<void> {
  await db.schema
    .createTable('problem_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('exception_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('problem_reports_order')
    .on('problem_reports')
    .column('order_id')
    .execute();
  await db.schema
    .createTable('problem_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull().references('problem_reports.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', kind === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('problem_photos_report')
    .on('problem_photos')
    .column('report_id')
    .execute();
}

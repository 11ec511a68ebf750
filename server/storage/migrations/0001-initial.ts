import { sql, type Kysely } from 'kysely';
import type { StorageKind } from '../open-storage.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>, kind: StorageKind): Promise<void> {
  const text = 'text' as const;
  const autoId = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer', (c) =>
        kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('email', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('password_hash', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('disabled_at', text)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('code', text, (c) => c.notNull().unique())
    .addColumn('name_en', text, (c) => c.notNull())
    .addColumn('name_zh', text, (c) => c.notNull())
    .addColumn('description_en', text, (c) => c.notNull())
    .addColumn('description_zh', text, (c) => c.notNull())
    .addColumn('attributes', text, (c) => c.notNull())
    .addColumn('search_text', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text)
    .execute();

  await db.schema
    .createTable('bom_items')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('product_id', text, (c) => c.notNull().references('products.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('material_name', text, (c) => c.notNull())
    .addColumn('quantity_per_unit', 'integer', (c) => c.notNull())
    .addColumn('step', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bom_items_product').on('bom_items').column('product_id').execute();

  await db.schema
    .createTable('badges')
    .addColumn('code', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .execute();

  await db.schema
    .createTable('lines')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('plant', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('code', text, (c) => c.unique())
    .addColumn('customer_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('held_from', text)
    .addColumn('customer_reference', text, (c) => c.notNull())
    .addColumn('ship_to', text, (c) => c.notNull())
    .addColumn('carrier', text, (c) => c.notNull())
    .addColumn('line_id', text, (c) => c.references('lines.id'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_customer').on('orders').column('customer_id').execute();
  await db.schema.createIndex('orders_state').on('orders').column('state').execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('order_id', text, (c) => c.notNull().references('orders.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('product_id', text, (c) => c.references('products.id'))
    .addColumn('similar_product_id', text, (c) => c.references('products.id'))
    .addColumn('differences', text, (c) => c.notNull())
    .addColumn('candidates', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_lines_order').on('order_lines').column('order_id').execute();

  await db.schema
    .createTable('stations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('line_id', text, (c) => c.notNull().references('lines.id'))
    .addColumn('enrollment_code_hash', text, (c) => c.unique())
    .addColumn('enrollment_expires_at', text)
    .addColumn('token_hash', text, (c) => c.unique())
    .addColumn('enrolled_at', text)
    .addColumn('revoked_at', text)
    .addColumn('last_seen_at', text)
    .addColumn('outbox_depth', 'integer')
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('resources')
    .addColumn('code', text, (c) => c.primaryKey())
    .addColumn('order_id', text, (c) => c.notNull().references('orders.id'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('material_name', text, (c) => c.notNull())
    .addColumn('step', text, (c) => c.notNull())
    .addColumn('consumed_at', text)
    .addColumn('consumed_by', text)
    .addColumn('consumed_event_id', text)
    .execute();
  await db.schema.createIndex('resources_order').on('resources').column('order_id').execute();

  await db.schema
    .createTable('units')
    .addColumn('code', text, (c) => c.primaryKey())
    .addColumn('order_id', text, (c) => c.notNull().references('orders.id'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('package_code', text)
    .execute();
  await db.schema.createIndex('units_order').on('units').column('order_id').execute();

  await db.schema
    .createTable('packages')
    .addColumn('code', text, (c) => c.primaryKey())
    .addColumn('order_id', text, (c) => c.notNull().references('orders.id'))
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('package_count', 'integer', (c) => c.notNull())
    .addColumn('sscc', text, (c) => c.unique())
    .addColumn('closed_at', text)
    .addColumn('dispatched_at', text)
    .addColumn('dispatched_by', text)
    .addColumn('receipt', text)
    .addColumn('receipt_reason', text)
    .addColumn('receipt_at', text)
    .execute();
  await db.schema.createIndex('packages_order').on('packages').column('order_id').execute();

  await db.schema
    .createTable('progress')
    .addColumn('order_id', text, (c) => c.notNull().references('orders.id'))
    .addColumn('step', text, (c) => c.notNull())
    .addColumn('units_done', 'integer', (c) => c.notNull())
    .addColumn('units_ordered', 'integer', (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('progress_pk', ['order_id', 'step'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('station_id', text, (c) => c.notNull().references('stations.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('payload_hash', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('order_code', text)
    .addColumn('verdict', text)
    .addColumn('body', text, (c) => c.notNull())
    .addColumn('operator', text)
    .addColumn('station_time', text, (c) => c.notNull())
    .addColumn('server_time', text, (c) => c.notNull())
    .addUniqueConstraint('events_station_seq', ['station_id', 'seq'])
    .execute();
  await db.schema.createIndex('events_order').on('events').column('order_code').execute();

  await db.schema
    .createTable('exceptions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('order_code', text)
    .addColumn('station_id', text)
    .addColumn('event_id', text)
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('resolution_note', text)
    .addColumn('resolved_by', text)
    .addColumn('resolved_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await autoId('audit_log')
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('actor', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('entity', text, (c) => c.notNull())
    .addColumn('entity_id', text, (c) => c.notNull())
    .addColumn('detail', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_entity')
    .on('audit_log')
    .columns(['entity', 'entity_id'])
    .execute();

  await autoId('change_log')
    .addColumn('line_id', text)
    .addColumn('role', text)
    .addColumn('entity', text, (c) => c.notNull())
    .addColumn('entity_key', text, (c) => c.notNull())
    .addColumn('op', text, (c) => c.notNull())
    .addColumn('data', text)
    .addColumn('at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createIndex('change_log_scope')
    .on('change_log')
    .columns(['line_id', 'id'])
    .execute();

  // The latest row of every replicated entity: what a snapshot serves, and what keeps a
  // change-log row from being compacted away.
  await db.schema
    .createTable('replica_current')
    .addColumn('entity', text, (c) => c.notNull())
    .addColumn('entity_key', text, (c) => c.notNull())
    .addColumn('line_id', text)
    .addColumn('role', text)
    .addColumn('change_id', 'bigint', (c) => c.notNull())
    .addColumn('op', text, (c) => c.notNull())
    .addColumn('data', text)
    .addPrimaryKeyConstraint('replica_current_pk', ['entity', 'entity_key'])
    .execute();
  await db.schema
    .createIndex('replica_current_scope')
    .on('replica_current')
    .columns(['line_id', 'entity'])
    .execute();

  // Stations behind this change-log id must take a snapshot (compaction removed tombstones).
  await db.schema
    .createTable('sync_horizon')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('horizon', 'bigint', (c) => c.notNull())
    .addColumn('compacted_at', text, (c) => c.notNull())
    .execute();

  // Similar-product search: trigrams work for Chinese, which has no spaces between words.
  if (kind === 'sqlite') {
    await sql`CREATE VIRTUAL TABLE product_search USING fts5(product_id UNINDEXED, text, tokenize = 'trigram')`.execute(
      db,
    );
  } else {
    await sql`CREATE INDEX products_search_trgm ON products USING gin (search_text public.gin_trgm_ops)`.execute(
      db,
    );
  }
}

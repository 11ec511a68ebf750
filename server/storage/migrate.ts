import { sql, type Kysely } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as labelTemplates from './migrations/0002-label-templates.ts';
import * as eventOutcomes from './migrations/0003-event-outcomes.ts';
import * as orderMessages from './migrations/0004-order-messages.ts';
import * as integration from './migrations/0005-integration.ts';
import * as ssccBlocks from './migrations/0006-sscc-blocks.ts';
import * as stationAcks from './migrations/0007-station-acks.ts';
import * as sessionActivity from './migrations/0008-session-activity.ts';
import * as idempotencyKeys from './migrations/0009-idempotency-keys.ts';
import * as admin from './migrations/0010-admin.ts';
import * as problemReports from './migrations/0011-problem-reports.ts';
import * as bilingualMaterials from './migrations/0012-bilingual-materials.ts';
import * as exceptionMessages from './migrations/0013-exception-messages.ts';
import * as bilingualResourceTypes from './migrations/0014-bilingual-resource-types.ts';
import * as orderLinesByProduct from './migrations/0015-order-lines-by-product.ts';
import type { Storage, StorageKind } from './open-storage.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the migration table is outside the typed schema */
interface Migration {
  name: string;
  up: (db: Kysely<any>, kind: StorageKind) => Promise<void>;
}

/** Every schema version, in order. Append only: a released migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '0001-initial', up: initial.up },
  { name: '0002-label-templates', up: labelTemplates.up },
  { name: '0003-event-outcomes', up: eventOutcomes.up },
  { name: '0004-order-messages', up: orderMessages.up },
  { name: '0005-integration', up: integration.up },
  { name: '0006-sscc-blocks', up: ssccBlocks.up },
  { name: '0007-station-acks', up: stationAcks.up },
  { name: '0008-session-activity', up: sessionActivity.up },
  { name: '0009-idempotency-keys', up: idempotencyKeys.up },
  { name: '0010-admin', up: admin.up },
  { name: '0011-problem-reports', up: problemReports.up },
  { name: '0012-bilingual-materials', up: bilingualMaterials.up },
  { name: '0013-exception-messages', up: exceptionMessages.up },
  { name: '0014-bilingual-resource-types', up: bilingualResourceTypes.up },
  { name: '0015-order-lines-by-product', up: orderLinesByProduct.up },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Apply the migrations this database has not seen, each in its own transaction, so the
 * same versioned steps bring SQLite and PostgreSQL to the same schema. Our own runner
 * rather than Kysely's Migrator because each step needs to know the dialect.
 */
export async function migrate(storage: Storage): Promise<string[]> {
  const db = storage.db as unknown as Kysely<any>;
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const applied = new Set(
    (await db.selectFrom('schema_migrations').select('name').execute()).map(
      (row) => row.name as string,
    ),
  );
  const unknown = [...applied].filter((name) => !MIGRATIONS.some((m) => m.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `the database has migrations this server does not know (${unknown.join(', ')}): it was used by a newer version`,
    );
  }
  const ran: string[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    await db.transaction().execute(async (trx) => {
      if (storage.kind === 'postgres') {
        // Two instances starting together must not both migrate.
        await sql`SELECT pg_advisory_xact_lock(7001)`.execute(trx);
        const done = await trx
          .selectFrom('schema_migrations')
          .select('name')
          .where('name', '=', migration.name)
          .executeTakeFirst();
        if (done) return;
      }
      await migration.up(trx, storage.kind);
      await trx
        .insertInto('schema_migrations')
        .values({ name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      ran.push(migration.name);
    });
  }
  return ran;
}

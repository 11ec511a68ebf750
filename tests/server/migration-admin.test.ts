/* eslint-disable @typescript-eslint/no-explicit-any -- the tables are written as they were before the migration */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '#server/storage/migrate.ts';
import { dropSchema, openStorage, type Storage } from '#server/storage/open-storage.ts';
import { STORAGES, TEST_DATABASE_URL } from './harness.ts';

/*
 * Migration 0010-admin on a database that has badges, audit entries and products from
 * before it: every badge gets its own id, the audit log names badges by that id instead of
 * their codes, and every product counts as changed when it was created.
 */
describe.each(STORAGES)('migration 0010-admin on %s', (kind) => {
  let storage: Storage | undefined;
  let dataDir: string | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    if (storage && schema) await dropSchema(storage, schema);
    await storage?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives old badges ids, rewrites their audit entries to them, and dates products', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-migration-'));
    schema = kind === 'postgres' ? `t_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
    storage = await openStorage({
      dataDir,
      databaseUrl: kind === 'postgres' ? TEST_DATABASE_URL : undefined,
      schema,
    });
    const db = storage.db as unknown as Kysely<any>;
    await db.schema
      .createTable('schema_migrations')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const before = MIGRATIONS.slice(
      0,
      MIGRATIONS.findIndex((migration) => migration.name === '0010-admin'),
    );
    for (const migration of before) {
      await db.transaction().execute(async (trx) => {
        await migration.up(trx, kind);
        await trx
          .insertInto('schema_migrations')
          .values({ name: migration.name, applied_at: new Date().toISOString() })
          .execute();
      });
    }
    const at = '2026-11-01T08:00:00.000Z';
    await db
      .insertInto('badges')
      .values([
        { code: 'BGAAAAAAA', name: 'Zhao', role: 'operator', created_at: at, revoked_at: null },
        { code: 'BGBBBBBBB', name: 'Chen', role: 'supervisor', created_at: at, revoked_at: at },
      ])
      .execute();
    await db
      .insertInto('audit_log')
      .values(
        ['BGAAAAAAA', 'BGBBBBBBB', 'BGBBBBBBB'].map((code, i) => ({
          at,
          actor: 'user:admin@example.com',
          action: i === 2 ? 'badge.revoked' : 'badge.created',
          entity: 'badge',
          entity_id: code,
          detail: '{}',
        })),
      )
      .execute();
    await db
      .insertInto('products')
      .values({
        id: 'p1',
        code: 'PD0000001',
        name_en: 'Oak table',
        name_zh: '橡木桌',
        description_en: '',
        description_zh: '',
        attributes: '{}',
        search_text: 'oak table 橡木桌',
        created_at: at,
        created_by: null,
      })
      .execute();

    expect(await migrate(storage)).toContain('0010-admin');

    const badges = await db.selectFrom('badges').select(['code', 'id']).orderBy('code').execute();
    expect(badges.every((badge) => typeof badge.id === 'string' && badge.id.length > 0)).toBe(true);
    expect(new Set(badges.map((badge) => badge.id)).size).toBe(2);
    const entries = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'action'])
      .where('entity', '=', 'badge')
      .orderBy('id')
      .execute();
    expect(entries.map((entry) => entry.entity_id)).toEqual([
      badges[0]!.id,
      badges[1]!.id,
      badges[1]!.id,
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/BG[AB]{7}/);
    const product = await db
      .selectFrom('products')
      .select(['updated_at', 'retired_at'])
      .executeTakeFirstOrThrow();
    expect(product).toEqual({ updated_at: at, retired_at: null });
  }, 60_000);
});

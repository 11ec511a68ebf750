import type { Caller, ServerContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { BadgeRole, BadgeView as Badge } from '#core/api/plant.ts';
import { mintBadgeCode } from '#core/codes/formats.ts';
import { audit } from '../auth/audit.ts';
import { badgeRow } from '../replication/rows.ts';
import { appendChanges } from '../replication/change-log.ts';

/** Issue a badge; every station learns of it through sync, so it works offline too. */
export async function createBadge(
  context: ServerContext,
  caller: Caller,
  input: { name: string; role: BadgeRole },
): Promise<Badge> {
  const { db, kind } = context.storage;
  const now = context.now();
  let code = mintBadgeCode();
  while (await db.selectFrom('badges').select('code').where('code', '=', code).executeTakeFirst())
    code = mintBadgeCode();
  const badge: Badge = { code, name: input.name, role: input.role, revokedAt: null };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('badges')
      .values({
        code,
        name: input.name,
        role: input.role,
        created_at: now.toISOString(),
        revoked_at: null,
      })
      .execute();
    await appendChanges(trx, kind, now, [
      {
        entity: 'badge',
        key: code,
        lineId: null,
        data: badgeRow({ ...input, code, revoked_at: null }),
      },
    ]);
    await audit(trx, now, caller, 'badge.created', 'badge', code, {
      name: input.name,
      role: input.role,
    });
  });
  context.live.publish('changes');
  return badge;
}

export async function revokeBadge(
  context: ServerContext,
  caller: Caller,
  code: string,
): Promise<Badge> {
  const { db, kind } = context.storage;
  const now = context.now();
  const revoked = await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('badges')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirst();
    if (!row) throw notFound(`Badge ${code}`);
    if (row.revoked_at) return badgeRow(row);
    await trx
      .updateTable('badges')
      .set({ revoked_at: now.toISOString() })
      .where('code', '=', code)
      .execute();
    await appendChanges(trx, kind, now, [
      {
        entity: 'badge',
        key: code,
        lineId: null,
        data: badgeRow({ ...row, revoked_at: now.toISOString() }),
      },
    ]);
    await audit(trx, now, caller, 'badge.revoked', 'badge', code);
    return badgeRow({ ...row, revoked_at: now.toISOString() });
  });
  context.live.publish('changes');
  return revoked;
}

export async function listBadges(context: ServerContext): Promise<Badge[]> {
  const rows = await context.storage.db.selectFrom('badges').selectAll().orderBy('name').execute();
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    role: row.role as BadgeRole,
    revokedAt: row.revoked_at,
  }));
}

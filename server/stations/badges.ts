import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Caller, ServerContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { BADGE_SORTS, BadgeRole, BadgeView as Badge, IssuedBadge } from '#core/api/plant.ts';
import { mintBadgeCode } from '#core/codes/formats.ts';
import { audit } from '../auth/audit.ts';
import { badgeRow } from '../replication/rows.ts';
import { appendChanges } from '../replication/change-log.ts';
import type { BadgesTable } from '../storage/schema.ts';
import { containsText, keysetPage, thenId, type Sorts } from '../storage/paging.ts';
import type { PageQuery } from '#core/api/paging.ts';

const badgeView = (row: BadgesTable): Badge => ({
  id: row.id,
  name: row.name,
  role: row.role as BadgeRole,
  issuedAt: row.created_at,
  revokedAt: row.revoked_at,
});

/** Issue a badge; every station learns of it through sync, so it works offline too. */
export async function createBadge(
  context: ServerContext,
  caller: Caller,
  input: { name: string; role: BadgeRole },
): Promise<IssuedBadge> {
  const { db, kind } = context.storage;
  const now = context.now();
  let code = mintBadgeCode();
  while (await db.selectFrom('badges').select('code').where('code', '=', code).executeTakeFirst())
    code = mintBadgeCode();
  const row: BadgesTable = {
    id: randomUUID(),
    code,
    name: input.name,
    role: input.role,
    created_at: now.toISOString(),
    revoked_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('badges').values(row).execute();
    await appendChanges(trx, kind, now, [
      {
        entity: 'badge',
        key: code,
        lineId: null,
        data: badgeRow({ ...input, code, revoked_at: null }),
      },
    ]);
    await audit(trx, now, caller, 'badge.created', 'badge', row.id, {
      name: input.name,
      role: input.role,
    });
  });
  context.live.publish('changes');
  return { ...badgeView(row), code };
}

/** Revoke a badge named by its id, or by its code for whoever holds the badge itself. */
export async function revokeBadge(
  context: ServerContext,
  caller: Caller,
  idOrCode: string,
): Promise<Badge> {
  const { db, kind } = context.storage;
  const now = context.now();
  const revoked = await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('badges')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode.toUpperCase())]))
      .executeTakeFirst();
    if (!row) throw notFound(`Badge ${idOrCode}`);
    if (row.revoked_at) return badgeView(row);
    const { code } = row;
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
    await audit(trx, now, caller, 'badge.revoked', 'badge', row.id, { name: row.name });
    return badgeView({ ...row, revoked_at: now.toISOString() });
  });
  context.live.publish('changes');
  return revoked;
}

export const BADGE_STATUSES = ['active', 'revoked'] as const;

type BadgeSort = (typeof BADGE_SORTS)[number];
const badgeSorts: Sorts<Selectable<BadgesTable>, BadgeSort> = {
  name: thenId('badges', 'name', 'asc'),
  newest: thenId('badges', 'created_at', 'desc'),
};

export interface BadgeFilters {
  q?: string | undefined;
  role?: BadgeRole | undefined;
  status?: (typeof BADGE_STATUSES)[number] | undefined;
}

/** Badges one page at a time, without their codes. */
export async function listBadges(
  context: ServerContext,
  filters: BadgeFilters,
  page: PageQuery<BadgeSort>,
): Promise<{ badges: Badge[]; nextCursor: string | null }> {
  let query = context.storage.db.selectFrom('badges').selectAll('badges');
  if (filters.q) query = query.where(containsText('badges.name', filters.q));
  if (filters.role) query = query.where('badges.role', '=', filters.role);
  if (filters.status === 'active') query = query.where('badges.revoked_at', 'is', null);
  if (filters.status === 'revoked') query = query.where('badges.revoked_at', 'is not', null);
  const { rows, nextCursor } = await keysetPage(query, badgeSorts, page);
  return { badges: rows.map(badgeView), nextCursor };
}

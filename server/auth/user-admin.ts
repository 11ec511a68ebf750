import type { Selectable } from 'kysely';
import type {
  USER_SORTS,
  USER_STATUSES,
  UserAccount,
  UserPatch,
  UserRole,
} from '#core/api/auth.ts';
import type { PageQuery } from '#core/api/paging.ts';
import type { Caller, ServerContext } from '../context.ts';
import { conflict, notFound } from '../errors.ts';
import { feedEnds } from '../live/live-feeds.ts';
import type { UsersTable } from '../storage/schema.ts';
import { containsText, keysetPage, thenId, type Sorts } from '../storage/paging.ts';
import { audit } from './audit.ts';

/*
 * The admin's side of accounts (docs/back-office-api.md, "Users"): list, change a role,
 * disable and enable. A disabled person's sessions are deleted and their live feeds closed
 * on every instance; the plant always keeps one active admin.
 */

type UserRow = Selectable<UsersTable>;
type UserSort = (typeof USER_SORTS)[number];

const account = (row: UserRow): UserAccount => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role as UserRole,
  createdAt: row.created_at,
  disabledAt: row.disabled_at,
});

const userSorts: Sorts<UserRow, UserSort> = {
  name: thenId('users', 'name', 'asc'),
  email: thenId('users', 'email', 'asc'),
  newest: thenId('users', 'created_at', 'desc'),
};

export interface UserFilters {
  /** Words in the name or the email. */
  q?: string | undefined;
  role?: UserRole | undefined;
  status?: (typeof USER_STATUSES)[number] | undefined;
}

export async function listUsers(
  context: ServerContext,
  filters: UserFilters,
  page: PageQuery<UserSort>,
): Promise<{ users: UserAccount[]; nextCursor: string | null }> {
  let query = context.storage.db.selectFrom('users').selectAll('users');
  const { q } = filters;
  if (q)
    query = query.where((eb) =>
      eb.or([containsText('users.name', q), containsText('users.email', q)]),
    );
  if (filters.role) query = query.where('users.role', '=', filters.role);
  if (filters.status === 'active') query = query.where('users.disabled_at', 'is', null);
  if (filters.status === 'disabled') query = query.where('users.disabled_at', 'is not', null);
  const { rows, nextCursor } = await keysetPage(query, userSorts, page);
  return { users: rows.map(account), nextCursor };
}

/**
 * Change a person's name, role or whether they may log in. Refused (409) when it would
 * leave no active admin: the admin rows are locked first on PostgreSQL, so two admins
 * disabling each other at once cannot both succeed (SQLite runs one write at a time).
 */
export async function updateUser(
  context: ServerContext,
  caller: Caller,
  id: string,
  patch: UserPatch,
): Promise<UserAccount> {
  const { db, kind } = context.storage;
  const now = context.now();
  const { before, after, endedSessions } = await db.transaction().execute(async (trx) => {
    let admins = trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null);
    if (kind === 'postgres') admins = admins.forUpdate();
    const activeAdmins = (await admins.execute()).map((row) => row.id);
    const before = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) throw notFound(`User ${id}`);
    const disabledAt =
      patch.disabled === undefined
        ? before.disabled_at
        : patch.disabled
          ? (before.disabled_at ?? now.toISOString())
          : null;
    const after: UserRow = {
      ...before,
      name: patch.name ?? before.name,
      role: patch.role ?? before.role,
      disabled_at: disabledAt,
    };
    const staysAdmin = after.role === 'admin' && after.disabled_at === null;
    if (activeAdmins.includes(id) && !staysAdmin && activeAdmins.length === 1)
      throw conflict(
        `${before.email} is the last active admin; make another person admin before ${patch.disabled ? 'disabling' : 'demoting'} them.`,
      );
    await trx
      .updateTable('users')
      .set({ name: after.name, role: after.role, disabled_at: after.disabled_at })
      .where('id', '=', id)
      .execute();
    if (after.name !== before.name)
      await audit(trx, now, caller, 'user.renamed', 'user', id, {
        from: before.name,
        to: after.name,
      });
    if (after.role !== before.role)
      await audit(trx, now, caller, 'user.role_changed', 'user', id, {
        from: before.role,
        to: after.role,
      });
    let endedSessions: string[] = [];
    if (after.disabled_at && !before.disabled_at) {
      endedSessions = (
        await trx.deleteFrom('sessions').where('user_id', '=', id).returning('token_hash').execute()
      ).map((row) => row.token_hash);
      await audit(trx, now, caller, 'user.disabled', 'user', id, {
        sessionsEnded: endedSessions.length,
      });
    }
    if (!after.disabled_at && before.disabled_at)
      await audit(trx, now, caller, 'user.enabled', 'user', id);
    return { before, after, endedSessions };
  });
  // After the commit: a feed that reconnects at once must already be refused.
  for (const session of endedSessions) context.live.publish(feedEnds.session(session));
  // A feed opened under the old role or before the account was disabled is closed; the
  // person's pages reconnect with what they may see now.
  if (after.role !== before.role || after.disabled_at) context.live.publish(feedEnds.user(id));
  return account(after);
}

import { randomUUID } from 'node:crypto';
import type { User, UserRole } from '#core/api/auth.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';
import { hashToken, newToken } from './tokens.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError, conflict } from '../errors.ts';
import { feedEnds } from '../live/live-feeds.ts';
import { audit } from './audit.ts';

export const SESSION_DAYS = 14;

export async function createUser(
  context: ServerContext,
  caller: Caller,
  input: { email: string; name: string; password: string; role: UserRole },
): Promise<User> {
  const { db } = context.storage;
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', input.email)
    .executeTakeFirst();
  if (existing) throw conflict(`A user with the email ${input.email} exists already.`);
  const user = { id: randomUUID(), email: input.email, name: input.name, role: input.role };
  const now = context.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({
        ...user,
        password_hash: await hashPassword(input.password),
        created_at: now.toISOString(),
        disabled_at: null,
      })
      .execute();
    await audit(trx, now, caller, 'user.created', 'user', user.id, {
      email: user.email,
      role: user.role,
    });
  });
  return user;
}

/** Check a password; on success open a session and return its token (only its hash is stored). */
export async function logIn(
  context: ServerContext,
  email: string,
  password: string,
): Promise<{ user: User; token: string; expiresAt: Date }> {
  const { db } = context.storage;
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || row.disabled_at) throw new AppError('OT_ERR_BAD_CREDENTIALS');
  const token = newToken();
  const now = context.now();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: row.id,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role as UserRole },
    token,
    expiresAt,
  };
}

export async function userForSession(
  context: ServerContext,
  token: string,
): Promise<Caller | undefined> {
  const row = await context.storage.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.disabled_at',
      'sessions.expires_at',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.disabled_at || row.expires_at <= context.now().toISOString()) return undefined;
  return {
    kind: 'user',
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    session: { id: hashToken(token), expiresAt: row.expires_at },
  };
}

export async function logOut(context: ServerContext, token: string): Promise<void> {
  const id = hashToken(token);
  await context.storage.db.deleteFrom('sessions').where('token_hash', '=', id).execute();
  // Its live feeds end too, on every instance.
  context.live.publish(feedEnds.session(id));
}

import { randomUUID } from 'node:crypto';
import type { User, UserRole } from '#core/api/auth.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';
import { hashToken, newToken } from './tokens.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError, conflict } from '../errors.ts';
import { feedEnds } from '../live/live-feeds.ts';
import { audit } from './audit.ts';

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

/**
 * A customer signs up. The answer is the same whether or not the email has an account
 * (docs/security.md, "Accounts"): nothing tells a stranger which emails exist. For a new
 * email the account is made; for a known one nothing is made, the password is hashed all
 * the same (the one costly step, so both take about as long) and the attempt is audited
 * on the existing account, where its owner's admins can see it. No session either way:
 * the person logs in with the password, as after any sign-up.
 */
export async function signUp(
  context: ServerContext,
  input: { email: string; name: string; password: string },
): Promise<void> {
  const caller: Caller = { kind: 'system', name: 'sign-up' };
  const findExisting = () =>
    context.storage.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', input.email)
      .executeTakeFirst();
  let existing = await findExisting();
  if (!existing) {
    try {
      await createUser(context, caller, { ...input, role: 'customer' });
      return;
    } catch (error) {
      // The same email signed up twice at once: the other one made the account.
      existing = await findExisting();
      if (!existing) throw error;
    }
  }
  await hashPassword(input.password);
  const { id } = existing;
  await context.storage.db
    .transaction()
    .execute((trx) => audit(trx, context.now(), caller, 'user.sign_up_again', 'user', id));
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
  // The cookie lasts to the absolute end; the server ends the session earlier when idle.
  const expiresAt = new Date(now.getTime() + context.sessions.lifetimeMs);
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: row.id,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      last_seen_at: now.toISOString(),
    })
    .execute();
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role as UserRole },
    token,
    expiresAt,
  };
}

/** How often a session's last use is written: a minute, finer for short idle windows. */
const touchEveryMs = (context: ServerContext) => Math.min(60_000, context.sessions.idleMs / 4);

/** When a session ends: at its absolute end, or after the idle time since its last use. */
const sessionEnd = (context: ServerContext, expiresAt: string, lastSeenAt: string): number =>
  Math.min(Date.parse(expiresAt), Date.parse(lastSeenAt) + context.sessions.idleMs);

export async function userForSession(
  context: ServerContext,
  token: string,
): Promise<Caller | undefined> {
  const id = hashToken(token);
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
      'sessions.last_seen_at',
    ])
    .where('sessions.token_hash', '=', id)
    .executeTakeFirst();
  if (!row || row.disabled_at) return undefined;
  const now = context.now();
  if (sessionEnd(context, row.expires_at, row.last_seen_at) <= now.getTime()) {
    await endSession(context, id);
    return undefined;
  }
  let lastSeenAt = row.last_seen_at;
  if (now.getTime() - Date.parse(lastSeenAt) >= touchEveryMs(context)) {
    lastSeenAt = now.toISOString();
    await context.storage.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('token_hash', '=', id)
      .execute();
  }
  return {
    kind: 'user',
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    session: {
      id,
      expiresAt: new Date(sessionEnd(context, row.expires_at, lastSeenAt)).toISOString(),
    },
  };
}

export async function logOut(context: ServerContext, token: string): Promise<void> {
  await endSession(context, hashToken(token));
}

/** Delete a session; its live feeds end too, on every instance. */
async function endSession(context: ServerContext, id: string): Promise<void> {
  await context.storage.db.deleteFrom('sessions').where('token_hash', '=', id).execute();
  context.live.publish(feedEnds.session(id));
}

/**
 * Delete every session past its absolute end or idle for longer than the idle timeout, and
 * close their live feeds (the server runs this every minute). Answers how many went.
 */
export async function deleteExpiredSessions(context: ServerContext): Promise<number> {
  const now = context.now();
  const idleSince = new Date(now.getTime() - context.sessions.idleMs).toISOString();
  const ended = await context.storage.db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleSince)]),
    )
    .returning('token_hash')
    .execute();
  for (const { token_hash } of ended) context.live.publish(feedEnds.session(token_hash));
  return ended.length;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_UP_MESSAGE } from '#core/api/auth.ts';
import { hashToken } from '#server/auth/tokens.ts';
import { deleteExpiredSessions } from '#server/auth/users.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { openFeed } from './live-feed-client.ts';

/*
 * Accounts as docs/security.md ("Accounts and sessions") promises them, through the real
 * HTTPS server on both storages: a sign-up that does not tell whether an email has an
 * account, sessions that end after an idle hour (here a minute, on a clock the test
 * moves), a new session id at every login, and expired sessions deleted with their feeds.
 */
describe.each(STORAGES)('accounts and sessions, on %s', (storage) => {
  let server: TestServer;
  /** How far the server's clock runs ahead of the real one. */
  let ahead = 0;
  const passMinutes = (minutes: number) => (ahead += minutes * 60_000);

  beforeAll(async () => {
    server = await startTestServer(storage, {
      env: { SESSION_IDLE_MINUTES: '1' },
      now: () => new Date(Date.now() + ahead),
    });
  });
  afterAll(() => server?.stop());

  const signUp = (client: ApiClient, email: string, password: string) =>
    client.post('/api/v1/auth/register', { email, name: 'Someone', password });
  const usersWithEmail = async (email: string) =>
    (
      await server.context.storage.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .execute()
    ).length;
  const sessionsOf = async (email: string) =>
    (
      await server.context.storage.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.token_hash')
        .where('users.email', '=', email)
        .execute()
    ).map((row) => row.token_hash);
  const cookieToken = (client: ApiClient) => client.cookie!.replace(/^ot_session=/, '');

  it('answers a sign-up the same whether the email is new or has an account', async () => {
    const email = `ling.${storage}@example.com`;
    const first = server.client();
    const made = await signUp(first, email, 'the first long password');
    expect(made.status).toBe(202);
    expect(made.body).toEqual({ message: SIGN_UP_MESSAGE });
    expect(made.headers.get('set-cookie')).toBeNull();
    expect((await first.get('/api/v1/auth/me')).status).toBe(401);

    // Someone else tries the same email, with another password and in capitals.
    const second = server.client();
    const again = await signUp(second, email.toUpperCase(), 'a different long password');
    expect(again.status).toBe(made.status);
    expect(again.body).toEqual(made.body);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await usersWithEmail(email)).toBe(1);

    // The account is the first one's, unchanged; the second attempt is on its audit trail.
    expect(
      (await second.post('/api/v1/auth/login', { email, password: 'a different long password' }))
        .status,
    ).toBe(401);
    const owner = await first.post('/api/v1/auth/login', {
      email,
      password: 'the first long password',
    });
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ email, role: 'customer' });
    const trail = await server.context.storage.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity_id', '=', owner.body.id)
      .orderBy('id')
      .execute();
    expect(trail).toEqual([
      { action: 'user.created', actor: 'system:sign-up' },
      { action: 'user.sign_up_again', actor: 'system:sign-up' },
    ]);
  });

  it('makes one account when the same new email signs up twice at once', async () => {
    const email = `twice.${storage}@example.com`;
    const answers = await Promise.all(
      ['one long password', 'another long password'].map((password) =>
        signUp(server.client(), email, password),
      ),
    );
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [202, { message: SIGN_UP_MESSAGE }],
      [202, { message: SIGN_UP_MESSAGE }],
    ]);
    expect(await usersWithEmail(email)).toBe(1);
  });

  it('gives a new session id at login and ends the one the browser had before', async () => {
    const person = await server.userClient('customer');
    const before = cookieToken(person);
    const stale = server.client();
    stale.cookie = person.cookie;
    const relogin = await person.post('/api/v1/auth/login', {
      email: person.email,
      password: person.password,
    });
    expect(relogin.status).toBe(200);
    expect(cookieToken(person)).not.toBe(before);
    expect((await stale.get('/api/v1/auth/me')).status).toBe(401);
    expect((await person.get('/api/v1/auth/me')).status).toBe(200);
    expect(await sessionsOf(person.email)).toEqual([hashToken(cookieToken(person))]);

    // Another person's session in the same browser does not survive this person's login.
    const other = await server.userClient('planner');
    const shared = server.client();
    shared.cookie = other.cookie;
    expect(
      (await shared.post('/api/v1/auth/login', { email: person.email, password: person.password }))
        .status,
    ).toBe(200);
    expect((await other.get('/api/v1/auth/me')).status).toBe(401);
    expect(await sessionsOf(other.email)).toEqual([]);
  });

  it('ends a session after the idle time without requests, not while it is used', async () => {
    const person = await server.userClient('customer');
    for (let i = 0; i < 4; i++) {
      passMinutes(0.75);
      expect((await person.get('/api/v1/auth/me')).status).toBe(200);
    }
    // Three minutes after login, used every 45 s: alive. Now a minute and a bit of nothing.
    passMinutes(1.1);
    const idle = await person.get('/api/v1/auth/me');
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('OT_ERR_UNAUTHENTICATED');
    expect(await sessionsOf(person.email)).toEqual([]);
  });

  it('deletes expired sessions, closes their live feeds, and keeps the ones in use', async () => {
    const [planner, idle, busy] = await Promise.all([
      server.userClient('planner'),
      server.userClient('customer'),
      server.userClient('customer'),
    ]);
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    const order = await idle.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    const feed = await openFeed(idle, `/api/v1/orders/${order.body.id}/live`);
    expect(feed.status).toBe(200);
    passMinutes(0.5);
    expect((await busy.get('/api/v1/auth/me')).status).toBe(200);
    passMinutes(0.7);
    const swept = await deleteExpiredSessions(server.context);
    const sweptAt = Date.now();
    expect(swept).toBeGreaterThanOrEqual(2); // idle's and planner's, and any left from before
    expect(await sessionsOf(idle.email)).toEqual([]);
    expect(await sessionsOf(planner.email)).toEqual([]);
    expect(await sessionsOf(busy.email)).toHaveLength(1);
    expect(await feed.ended(() => sweptAt)).toBeLessThan(1000);
    expect((await busy.get('/api/v1/auth/me')).status).toBe(200);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINEN_SOFA, OAK_TABLE, WALNUT_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { openFeed } from './live-feed-client.ts';

const patch = (client: ApiClient, path: string, body: unknown) =>
  client.request('PATCH', path, body);

/** The audit entries about one thing, oldest first. */
async function auditOf(client: ApiClient, entity: string, id: string): Promise<any[]> {
  const answer = await client.get(
    `/api/v1/audit?entity=${entity}&entityId=${encodeURIComponent(id)}&sort=oldest`,
  );
  expect(answer.status).toBe(200);
  return answer.body.entries;
}

describe.each(STORAGES)('admin: users, products and badges, on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient & { email: string };
  let planner: ApiClient;
  let customer: ApiClient;
  let supervisor: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [admin, planner, customer, supervisor] = await server.userClients(
      'admin',
      'planner',
      'customer',
      'supervisor',
    );
    expect((await admin.post('/api/v1/lines', { name: 'L1', plant: 'Suzhou' })).status).toBe(200);
  }, 60_000);
  afterAll(() => server?.stop());

  const idOf = async (email: string): Promise<string> => {
    const found = await admin.get(`/api/v1/users?q=${encodeURIComponent(email)}`);
    expect(found.body.users).toHaveLength(1);
    return found.body.users[0].id;
  };

  describe('users', () => {
    it('lists people one page at a time, with filters by role, status and words', async () => {
      const added = await admin.post('/api/v1/users', {
        email: 'Wang.Fang@Example.com',
        name: 'Wang Fang 王芳',
        password: 'a long enough password',
        role: 'planner',
      });
      expect(added.status).toBe(200);
      const first = await admin.get('/api/v1/users?limit=2&sort=email');
      expect(first.status).toBe(200);
      expect(first.body.users).toHaveLength(2);
      expect(typeof first.body.nextCursor).toBe('string');
      const seen = [...first.body.users];
      let cursor = first.body.nextCursor;
      while (cursor) {
        const next = await admin.get(`/api/v1/users?limit=2&sort=email&cursor=${cursor}`);
        seen.push(...next.body.users);
        cursor = next.body.nextCursor;
      }
      const emails = seen.map((user) => user.email);
      expect(emails).toEqual([...emails].sort());
      expect(new Set(emails).size).toBe(emails.length);
      expect(emails).toContain('wang.fang@example.com');
      for (const user of seen) expect(user).not.toHaveProperty('password_hash');

      const byWords = await admin.get(`/api/v1/users?q=${encodeURIComponent('王芳')}`);
      expect(byWords.body.users.map((u: any) => u.email)).toEqual(['wang.fang@example.com']);
      const planners = await admin.get('/api/v1/users?role=planner');
      expect(planners.body.users.length).toBe(2);
      expect(planners.body.users.every((u: any) => u.role === 'planner')).toBe(true);
      const disabled = await admin.get('/api/v1/users?status=disabled');
      expect(disabled.body.users.every((u: any) => u.disabledAt !== null)).toBe(true);
    });

    it('answers 400 for bad list queries, 403 to non-admins and 401 to strangers', async () => {
      for (const query of ['limit=0', 'role=wizard', 'status=gone', 'sort=age', 'colour=red']) {
        const answer = await admin.get(`/api/v1/users?${query}`);
        expect(answer.status, query).toBe(400);
        expect(answer.body.error.code).toBe('OT_ERR_VALIDATION');
      }
      const wrongCursor = await admin.get('/api/v1/users?cursor=not-a-cursor!');
      expect(wrongCursor.status).toBe(400);
      for (const client of [planner, customer, supervisor]) {
        expect((await client.get('/api/v1/users')).status).toBe(403);
        const tried = await patch(client, `/api/v1/users/${await idOf(admin.email)}`, {
          role: 'customer',
        });
        expect(tried.status).toBe(403);
      }
      expect((await server.client().get('/api/v1/users')).status).toBe(401);
    });

    it('changes a role, with an audit entry, and the new role applies at once', async () => {
      const person = await server.userClient('customer', 'Li Na');
      const id = await idOf(person.email);
      expect((await person.get('/api/v1/stations')).status).toBe(403);
      const changed = await patch(admin, `/api/v1/users/${id}`, { role: 'planner' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id, role: 'planner', disabledAt: null });
      expect((await person.get('/api/v1/stations')).status).toBe(200);
      const entries = await auditOf(admin, 'user', id);
      expect(entries.at(-1)).toMatchObject({
        action: 'user.role_changed',
        actor: `user:${admin.email}`,
        detail: { from: 'customer', to: 'planner' },
      });
    });

    it('disabling ends the sessions and live feeds; enabling lets the person log in again', async () => {
      const person = await server.userClient('customer', 'Zhou Min');
      const id = await idOf(person.email);
      const order = await person.post('/api/v1/orders', {
        lines: [
          { product: (await planner.post('/api/v1/products', OAK_TABLE)).body.code, quantity: 1 },
        ],
        shipTo: 'Suzhou, 1 Xinghu Street',
      });
      expect(order.status).toBe(200);
      const feed = await openFeed(person, `/api/v1/orders/${order.body.id}/live`);
      expect(feed.status).toBe(200);
      const disabled = await patch(admin, `/api/v1/users/${id}`, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabledAt).toEqual(expect.any(String));
      await feed.ended(() => 0);
      expect((await person.get('/api/v1/auth/me')).status).toBe(401);
      const again = await server
        .client()
        .post('/api/v1/auth/login', { email: person.email, password: person.password });
      expect(again.status).toBe(401);
      const entries = await auditOf(admin, 'user', id);
      expect(entries.at(-1)).toMatchObject({
        action: 'user.disabled',
        detail: { sessionsEnded: 1 },
      });

      const enabled = await patch(admin, `/api/v1/users/${id}`, { disabled: false });
      expect(enabled.status).toBe(200);
      expect(enabled.body.disabledAt).toBeNull();
      const back = server.client();
      expect(
        (await back.post('/api/v1/auth/login', { email: person.email, password: person.password }))
          .status,
      ).toBe(200);
      expect((await auditOf(admin, 'user', id)).at(-1).action).toBe('user.enabled');
    });

    it('refuses to disable or demote the last active admin (409), and allows it with another', async () => {
      const self = await idOf(admin.email);
      const demote = await patch(admin, `/api/v1/users/${self}`, { role: 'planner' });
      expect(demote.status).toBe(409);
      expect(demote.body.error.message).toMatch(/last active admin/);
      const disable = await patch(admin, `/api/v1/users/${self}`, { disabled: true });
      expect(disable.status).toBe(409);
      expect((await admin.get('/api/v1/auth/me')).body.role).toBe('admin');

      const second = await server.userClient('admin', 'Second admin');
      const secondId = await idOf(second.email);
      const disabled = await patch(admin, `/api/v1/users/${secondId}`, { disabled: true });
      expect(disabled.status).toBe(200);
      // A disabled admin does not count: the first is still the last active one.
      expect((await patch(admin, `/api/v1/users/${self}`, { role: 'planner' })).status).toBe(409);
      expect((await patch(admin, `/api/v1/users/${secondId}`, { disabled: false })).status).toBe(
        200,
      );
    });

    it('answers 400 for a bad change and 404 for an unknown person', async () => {
      const id = await idOf(admin.email);
      for (const body of [
        {},
        { role: 'wizard' },
        { disabled: 'yes' },
        { name: '' },
        { email: 'x@y.z' },
      ]) {
        const answer = await patch(admin, `/api/v1/users/${id}`, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error.code).toBe('OT_ERR_VALIDATION');
      }
      const unknown = await patch(admin, '/api/v1/users/no-such-person', { role: 'planner' });
      expect(unknown.status).toBe(404);
      const duplicate = await admin.post('/api/v1/users', {
        email: admin.email,
        name: 'Twice',
        password: 'a long enough password',
        role: 'planner',
      });
      expect(duplicate.status).toBe(409);
    });
  });

  describe('products', () => {
    it('edits names and attributes: the answer, the catalog search and the audit log show it', async () => {
      const made = await planner.post('/api/v1/products', WALNUT_TABLE);
      const code = made.body.code;
      const edited = await patch(planner, `/api/v1/products/${code}`, {
        nameEn: 'Walnut banquet table',
        nameZh: '胡桃木宴会桌',
        attributes: { ...WALNUT_TABLE.attributes, width_cm: 240 },
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        code,
        nameEn: 'Walnut banquet table',
        nameZh: '胡桃木宴会桌',
        attributes: { width_cm: 240 },
        bom: WALNUT_TABLE.bom,
        retiredAt: null,
        bomFixed: false,
      });
      expect((await customer.get(`/api/v1/products/${code}`)).body.nameEn).toBe(
        'Walnut banquet table',
      );
      const found = await customer.get(`/api/v1/products?q=${encodeURIComponent('宴会桌')}`);
      expect(found.body.hits.map((hit: any) => hit.product.code)).toContain(code);
      expect((await auditOf(admin, 'product', code)).at(-1)).toMatchObject({
        action: 'product.updated',
        actor: expect.stringContaining('planner'),
        detail: { changed: ['nameEn', 'nameZh', 'attributes'] },
      });
    });

    it('changes the bill of materials until an order with the product is released, then 409', async () => {
      const code = (await planner.post('/api/v1/products', LINEN_SOFA)).body.code;
      const bom = [
        ...LINEN_SOFA.bom,
        {
          resourceType: 'cushion',
          materialName: 'Linen cushion',
          quantityPerUnit: 2,
          step: 'upholstery',
        },
      ];
      const changed = await patch(planner, `/api/v1/products/${code}`, { bom });
      expect(changed.status).toBe(200);
      // Chinese names not given answer as empty (the screens show the English ones).
      const answered = bom.map((item) => ({
        resourceTypeZh: '',
        materialNameZh: '',
        stepZh: '',
        ...item,
      }));
      expect(changed.body.bom).toEqual(answered);
      expect(changed.body.bomFixed).toBe(false);
      const order = await customer.post('/api/v1/orders', {
        lines: [{ product: code, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      });
      const released = await planner.post(`/api/v1/orders/${order.body.id}/release`, {
        line: 'L1',
      });
      expect(released.status).toBe(200);
      expect(released.body.resources.filter((r: any) => r.resourceType === 'cushion')).toHaveLength(
        2,
      );
      const refused = await patch(planner, `/api/v1/products/${code}`, { bom: LINEN_SOFA.bom });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/released order.*copy it/);
      const fixed = (await planner.get(`/api/v1/products/${code}`)).body;
      expect(fixed.bom).toEqual(answered);
      // The screens offer only what the server takes: the product says its materials are fixed.
      expect(fixed.bomFixed).toBe(true);
      const listed = await planner.get(
        `/api/v1/products?q=${encodeURIComponent(LINEN_SOFA.nameEn)}&limit=50`,
      );
      expect(listed.body.hits.find((hit: any) => hit.product.code === code)?.product.bomFixed).toBe(
        true,
      );
      // The same list again is no change, and names still change.
      expect(
        (await patch(planner, `/api/v1/products/${code}`, { bom, nameEn: 'Linen sofa, 3 seats' }))
          .status,
      ).toBe(200);
    });

    it('retires a product: gone from the catalog and refused on new orders, still on old ones; restored sells again', async () => {
      const code = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
      const old = await customer.post('/api/v1/orders', {
        lines: [{ product: code, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      });
      expect(old.status).toBe(200);
      const retired = await patch(planner, `/api/v1/products/${code}`, { retired: true });
      expect(retired.status).toBe(200);
      expect(retired.body.retiredAt).toEqual(expect.any(String));
      const sold = await customer.get('/api/v1/products?limit=50');
      expect(sold.body.hits.map((hit: any) => hit.product.code)).not.toContain(code);
      const list = await planner.get('/api/v1/products?status=retired&limit=50');
      expect(list.body.hits.map((hit: any) => hit.product.code)).toContain(code);
      expect(list.body.hits.every((hit: any) => hit.product.retiredAt)).toBe(true);
      expect((await customer.get('/api/v1/products?status=retired')).status).toBe(403);

      const refused = await customer.post('/api/v1/orders', {
        lines: [{ product: code, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.issues[0]).toMatchObject({
        path: 'lines.0.product',
        message: expect.stringMatching(/retired and no longer sold/),
      });
      const similar = await customer.get(
        `/api/v1/products/similar?similarTo=${code}&differences=${encodeURIComponent('oak')}`,
      );
      expect(similar.status).toBe(200);
      const offered = [...similar.body.candidates, ...similar.body.closest].map(
        (c: any) => c.product,
      );
      expect(offered).not.toContain(code);
      const shown = await customer.get(`/api/v1/orders/${old.body.id}`);
      expect(shown.body.lines[0].product).toBe(code);
      expect((await patch(planner, `/api/v1/products/${code}`, { retired: true })).status).toBe(
        409,
      );
      const actions = (await auditOf(admin, 'product', code)).map((e) => e.action);
      expect(actions).toContain('product.retired');

      expect((await patch(planner, `/api/v1/products/${code}`, { retired: false })).status).toBe(
        200,
      );
      const ordered = await customer.post('/api/v1/orders', {
        lines: [{ product: code, quantity: 1 }],
        shipTo: 'Suzhou, 1 Xinghu Street',
      });
      expect(ordered.status).toBe(200);
      expect((await auditOf(admin, 'product', code)).at(-1).action).toBe('product.restored');
    });

    it('answers 400 for a bad edit, 404 for an unknown product, 403 to customers and supervisors', async () => {
      const code = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
      for (const body of [
        {},
        { nameEn: '' },
        { bom: [] },
        {
          bom: [{ resourceType: 'leg', materialName: 'Leg', quantityPerUnit: 0, step: 'assembly' }],
        },
        { retired: 'yes' },
        { code: 'PD0000000' },
      ]) {
        const answer = await patch(planner, `/api/v1/products/${code}`, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error.code).toBe('OT_ERR_VALIDATION');
      }
      expect((await patch(planner, '/api/v1/products/PDNOSUCH1', { nameEn: 'x' })).status).toBe(
        404,
      );
      expect((await patch(customer, `/api/v1/products/${code}`, { nameEn: 'x' })).status).toBe(403);
      expect((await patch(supervisor, `/api/v1/products/${code}`, { retired: true })).status).toBe(
        403,
      );
      expect(
        (await patch(server.client(), `/api/v1/products/${code}`, { nameEn: 'x' })).status,
      ).toBe(401);
      expect((await planner.get(`/api/v1/products/${code}`)).body.nameEn).toBe(OAK_TABLE.nameEn);
    });
  });

  describe('badges', () => {
    it('answers the code once, at issue; lists and the audit log never carry it', async () => {
      const issued = await admin.post('/api/v1/badges', { name: 'Zhao 赵', role: 'supervisor' });
      expect(issued.status).toBe(200);
      const { code, id } = issued.body;
      expect(code).toEqual(expect.any(String));
      expect(issued.body).toMatchObject({ name: 'Zhao 赵', role: 'supervisor', revokedAt: null });
      const list = await supervisor.get('/api/v1/badges');
      expect(list.status).toBe(200);
      expect(list.body.badges.map((b: any) => b.id)).toContain(id);
      expect(JSON.stringify(list.body)).not.toContain(code);
      for (const badge of list.body.badges) expect(badge).not.toHaveProperty('code');
      const entries = await auditOf(admin, 'badge', id);
      expect(entries[0]).toMatchObject({ action: 'badge.created' });
      const everything = await admin.get('/api/v1/audit?entity=badge&limit=1000');
      expect(JSON.stringify(everything.body)).not.toContain(code);
    });

    it('revokes by id (or by the code on the badge), lists it revoked, and the audit log says who', async () => {
      const one = (await admin.post('/api/v1/badges', { name: 'Qian', role: 'operator' })).body;
      const revoked = await admin.post(`/api/v1/badges/${one.id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: one.id, revokedAt: expect.any(String) });
      expect(revoked.body).not.toHaveProperty('code');
      const two = (await admin.post('/api/v1/badges', { name: 'Sun', role: 'operator' })).body;
      expect((await admin.post(`/api/v1/badges/${two.code.toLowerCase()}/revoke`)).status).toBe(
        200,
      );
      const listed = await admin.get('/api/v1/badges?status=revoked&limit=200');
      expect(listed.body.badges.map((b: any) => b.id)).toEqual(
        expect.arrayContaining([one.id, two.id]),
      );
      const active = await admin.get('/api/v1/badges?status=active&limit=200');
      expect(active.body.badges.map((b: any) => b.id)).not.toContain(one.id);
      expect((await auditOf(admin, 'badge', one.id)).at(-1)).toMatchObject({
        action: 'badge.revoked',
        actor: `user:${admin.email}`,
      });
    });

    it('pages and filters the list; 400 for bad queries, 404 for an unknown badge, 403 to others', async () => {
      for (const name of ['Wu', 'Zheng', 'Feng'])
        await admin.post('/api/v1/badges', { name, role: 'operator' });
      const first = await admin.get('/api/v1/badges?limit=2');
      expect(first.body.badges).toHaveLength(2);
      const second = await admin.get(`/api/v1/badges?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.badges[0].name >= first.body.badges[1].name).toBe(true);
      const named = await admin.get('/api/v1/badges?q=zhe');
      expect(named.body.badges.map((b: any) => b.name)).toEqual(['Zheng']);
      const supervisors = await admin.get('/api/v1/badges?role=supervisor');
      expect(supervisors.body.badges.every((b: any) => b.role === 'supervisor')).toBe(true);
      for (const query of ['limit=500', 'role=boss', 'status=lost', 'code=X']) {
        expect((await admin.get(`/api/v1/badges?${query}`)).status, query).toBe(400);
      }
      expect((await admin.post('/api/v1/badges/no-such-badge/revoke')).status).toBe(404);
      const some = (await admin.post('/api/v1/badges', { name: 'Chu', role: 'operator' })).body;
      expect((await supervisor.post(`/api/v1/badges/${some.id}/revoke`)).status).toBe(403);
      expect((await planner.post('/api/v1/badges', { name: 'X', role: 'operator' })).status).toBe(
        403,
      );
      expect((await customer.get('/api/v1/badges')).status).toBe(403);
      expect((await admin.post('/api/v1/badges', { name: '', role: 'operator' })).status).toBe(400);
    });
  });
});

const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 6);

type Change = { target: number; change: 'demote' | 'promote' | 'disable' | 'enable' };
const bodyOf = (change: Change['change']) =>
  ({
    demote: { role: 'planner' },
    promote: { role: 'admin' },
    disable: { disabled: true },
    enable: { disabled: false },
  })[change];

describe.each(STORAGES)('the plant always keeps an active admin, on %s', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(storage);
  }, 60_000);
  afterAll(() => server?.stop());

  it('invariant: any sequence of role changes, disables and enables by admins leaves one active admin; a change is refused (409) exactly when it would leave none', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ admin: fc.boolean(), disabled: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(
          fc.record({
            target: fc.nat({ max: 2 }),
            change: fc.constantFrom('demote', 'promote', 'disable', 'enable'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (people, changes: Change[]) => {
          round += 1;
          // Only this round's people are admins: everyone before steps down.
          await server.context.storage.db.updateTable('users').set({ role: 'planner' }).execute();
          const model = await Promise.all(
            people.map(async (start, index) => {
              const client = await server.userClient('admin', `Round ${round} person ${index}`);
              const id = (await client.get('/api/v1/auth/me')).body.id as string;
              return { client, id, admin: true, disabled: false, loggedIn: true, start };
            }),
          );
          // Set each start state, keeping the first an active admin (the plant's starting point).
          for (const [index, person] of model.entries()) {
            if (index === 0) continue;
            await server.context.storage.db
              .updateTable('users')
              .set({
                role: person.start.admin ? 'admin' : 'planner',
                disabled_at: person.start.disabled ? new Date().toISOString() : null,
              })
              .where('id', '=', person.id)
              .execute();
            person.admin = person.start.admin;
            person.disabled = person.start.disabled;
            if (person.disabled) person.loggedIn = false;
          }
          const active = () => model.filter((p) => p.admin && !p.disabled);
          for (const { target, change } of changes) {
            const person = model[target % model.length]!;
            const actor = active()[0]!;
            if (!actor.loggedIn) {
              const login = await actor.client.post('/api/v1/auth/login', {
                email: actor.client.email,
                password: actor.client.password,
              });
              expect(login.status).toBe(200);
              actor.loggedIn = true;
            }
            const after = {
              admin: change === 'demote' ? false : change === 'promote' ? true : person.admin,
              disabled: change === 'disable' ? true : change === 'enable' ? false : person.disabled,
            };
            const leavesNone =
              active().length === 1 && active()[0] === person && !(after.admin && !after.disabled);
            const answer = await patch(actor.client, `/api/v1/users/${person.id}`, bodyOf(change));
            expect(answer.status, JSON.stringify(answer.body)).toBe(leavesNone ? 409 : 200);
            if (!leavesNone) {
              if (after.disabled && !person.disabled) person.loggedIn = false;
              Object.assign(person, after);
            }
            const stored = await server.context.storage.db
              .selectFrom('users')
              .select(['id', 'role', 'disabled_at'])
              .where('role', '=', 'admin')
              .where('disabled_at', 'is', null)
              .execute();
            expect(stored.map((row) => row.id).sort()).toEqual(
              active()
                .map((p) => p.id)
                .sort(),
            );
            expect(stored.length).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 240_000);

  it('two admins disabling each other at the same moment: one succeeds, one gets 409', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await server.context.storage.db.updateTable('users').set({ role: 'planner' }).execute();
      const [a, b] = await server.userClients('admin', 'admin');
      const [idA, idB] = await Promise.all(
        [a, b].map(async (client) => (await client.get('/api/v1/auth/me')).body.id as string),
      );
      const answers = await Promise.all([
        patch(a, `/api/v1/users/${idB}`, { disabled: true }),
        patch(b, `/api/v1/users/${idA}`, { disabled: true }),
      ]);
      // The loser is refused as the last admin, or (its session ended first) as logged out.
      expect(answers.map((answer) => answer.status).sort()).toEqual(
        answers.some((answer) => answer.status === 401) ? [200, 401] : [200, 409],
      );
      const admins = await server.context.storage.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .execute();
      expect(admins).toHaveLength(1);
    }
  }, 120_000);
});

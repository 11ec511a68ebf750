/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '#core/api/paging.ts';
import { raiseException } from '#server/back-office/exceptions.ts';
import { OAK_TABLE, WALNUT_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

const RUNS = Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 6);

/** Every page of a list, following nextCursor; the callback may change the world between pages. */
async function walk(
  client: ApiClient,
  path: string,
  field: string,
  between: (page: number) => Promise<void> = async () => {},
): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response: any = await client.get(
      cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    items.push(...response.body[field]);
    cursor = response.body.nextCursor;
    pages += 1;
    if (pages > 200) throw new Error(`${path}: the cursor never ends`);
    if (cursor) await between(pages);
  } while (cursor);
  return { items, pages };
}

describe.each(STORAGES)('lists are paged by cursor, on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let otherCustomer: ApiClient;
  let planner: ApiClient;
  let supervisor: ApiClient;
  let admin: ApiClient;
  let oak: string;
  let walnut: string;

  const order = (client: ApiClient, reference = '', product = oak) =>
    client.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
      customerReference: reference,
    });

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, otherCustomer, planner, supervisor, admin] = await server.userClients(
      'customer',
      'customer',
      'planner',
      'supervisor',
      'admin',
    );
    oak = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    walnut = (await planner.post('/api/v1/products', WALNUT_TABLE)).body.code;
    for (let i = 0; i < 7; i++) expect((await order(customer, `PO-${i}`)).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await order(otherCustomer, `OTHER-${i}`, walnut)).status).toBe(200);
  });
  afterAll(() => server?.stop());

  it('GET /api/v1/orders?limit=N answers nextCursor, and cursor= gives the next page', async () => {
    const first = await planner.get('/api/v1/orders?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.orders).toHaveLength(4);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await planner.get(`/api/v1/orders?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.orders).toHaveLength(4);
    const third = await planner.get(`/api/v1/orders?limit=4&cursor=${second.body.nextCursor}`);
    expect(third.body.orders).toHaveLength(2);
    expect(third.body.nextCursor).toBeNull();
    const ids = [...first.body.orders, ...second.body.orders, ...third.body.orders].map(
      (o: any) => o.id,
    );
    expect(new Set(ids).size).toBe(10);
    const all = (await planner.get('/api/v1/orders?limit=200')).body;
    expect(all.nextCursor).toBeNull();
    expect(all.orders.map((o: any) => o.id)).toEqual(ids);
  });

  it('a customer pages through their own orders only', async () => {
    const { items, pages } = await walk(customer, '/api/v1/orders?limit=2', 'orders');
    expect(pages).toBe(4);
    expect(items.map((o) => o.customerReference).sort()).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => `PO-${i}`),
    );
  });

  it('invariant: walking any sort with any page size while orders arrive shows each order once, in order, and every order that existed at the start', async () => {
    let made = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('newest', 'oldest', 'updated'),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 4 }),
        async (sort, limit, arrivals) => {
          const before = (await planner.get(`/api/v1/orders?limit=200&sort=${sort}`)).body.orders;
          const { items } = await walk(
            planner,
            `/api/v1/orders?limit=${limit}&sort=${sort}`,
            'orders',
            async (page) => {
              for (let i = 0; i < (arrivals[page - 1] ?? 0); i++)
                await order(otherCustomer, `ARRIVAL-${made++}`);
            },
          );
          const ids = items.map((o) => o.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const old of before) expect(ids).toContain(old.id);
          // What was there at the start keeps its order; arrivals can only come after it.
          const seenOld = ids.filter((id) => before.some((o: any) => o.id === id));
          expect(seenOld).toEqual(before.map((o: any) => o.id));
          const key = sort === 'updated' ? 'updatedAt' : 'createdAt';
          for (let i = 1; i < items.length; i++) {
            const [a, b] = [items[i - 1][key], items[i][key]];
            if (sort === 'oldest') expect(a <= b).toBe(true);
            else expect(a >= b).toBe(true);
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('filters orders by words, state and line', async () => {
    const byReference = await planner.get('/api/v1/orders?q=po-3');
    expect(byReference.body.orders.map((o: any) => o.customerReference)).toEqual(['PO-3']);
    const someOrder = byReference.body.orders[0];
    const byCode = await planner.get(`/api/v1/orders?q=${someOrder.code.slice(0, 10)}`);
    expect(byCode.body.orders.map((o: any) => o.id)).toContain(someOrder.id);
    // % and _ are taken literally, not as wildcards.
    expect((await planner.get('/api/v1/orders?q=%25')).body.orders).toEqual([]);
    expect((await planner.get('/api/v1/orders?q=PO_')).body.orders).toEqual([]);
    const confirmed = await planner.get('/api/v1/orders?state=confirmed&limit=200');
    expect(confirmed.body.orders.every((o: any) => o.state === 'confirmed')).toBe(true);
    expect((await planner.get('/api/v1/orders?state=shipped')).body.orders).toEqual([]);
    expect((await planner.get('/api/v1/orders?line=nowhere')).body.orders).toEqual([]);
    // The customer's name reaches staff searches, not other customers'.
    const mine = await otherCustomer.get('/api/v1/orders?q=PO-1');
    expect(mine.body.orders).toEqual([]);
  });

  it('refuses a bad cursor, limit or sort with a clear 400 and no rows', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/orders?cursor=not-a-cursor!', /querystring\.cursor.*nextCursor/],
      ['/api/v1/orders?cursor=eyJ4IjoxfQ', /querystring\.cursor/],
      ['/api/v1/orders?limit=0', /querystring\.limit.*at least 1/],
      ['/api/v1/orders?limit=201', /querystring\.limit.*at most 200/],
      ['/api/v1/orders?limit=two', /querystring\.limit/],
      ['/api/v1/orders?limit=2.5', /querystring\.limit.*whole/],
      ['/api/v1/orders?sort=sideways', /querystring\.sort/],
      [
        `/api/v1/orders?sort=oldest&cursor=${encodeCursor({ sort: 'newest', after: ['x', 'y'] })}`,
        /sorted by newest, not oldest/,
      ],
      [`/api/v1/orders?cursor=${encodeCursor({ sort: 'newest', after: ['x'] })}`, /cursor/],
      ['/api/v1/exceptions?cursor=%00', /querystring\.cursor/],
      ['/api/v1/stations?limit=-1', /querystring\.limit/],
      ['/api/v1/audit?limit=1001', /querystring\.limit/],
      ['/api/v1/products?limit=51', /querystring\.limit/],
      ['/api/v1/orders?from=yesterday', /querystring\.from.*ISO 8601/],
      ['/api/v1/orders?from=2026-03-02T08:00:00', /querystring\.from.*offset/],
      [
        '/api/v1/orders?from=2026-03-02T09:00:00Z&to=2026-03-02T08:00:00Z',
        /querystring\.to.*after from/,
      ],
      ['/api/v1/exceptions?to=2026-03-02T09:00:00Z&from=2026-03-02T09:00:00Z', /querystring\.to/],
      ['/api/v1/audit?to=13:00', /querystring\.to/],
      ['/api/v1/products?from=last%20week', /querystring\.from.*ISO 8601/],
      ['/api/v1/products?to=2026-03-02T08:00:00', /querystring\.to.*offset/],
      [
        '/api/v1/products?from=2026-03-02T09:00:00Z&to=2026-03-02T09:00:00Z',
        /querystring\.to.*after from/,
      ],
      ['/api/v1/stations?from=2026-03-02', /querystring\.from/],
      [
        '/api/v1/stations?from=2026-03-02T09:00:00Z&to=2026-03-01T09:00:00Z',
        /querystring\.to.*after from/,
      ],
      [
        `/api/v1/products?sort=code&cursor=${encodeCursor({ sort: 'relevance', after: [1, 'x'] })}`,
        /sorted by relevance/,
      ],
    ];
    for (const [path, message] of cases) {
      const response = await supervisor.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('OT_ERR_VALIDATION');
      expect(response.body.error.message, path).toMatch(message);
      expect(response.body.orders, path).toBeUndefined();
    }
  });

  it('pages exceptions with filters', async () => {
    const db = server.context.storage.db;
    const stamp = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++)
      await raiseException(db, new Date(stamp.getTime() + i * 1000), {
        kind: i % 2 ? 'conflict' : 'line_stop',
        orderCode: null,
        stationId: null,
        eventId: null,
        message: {
          key: 'msg.line_stop',
          params: { station: 'P1', scanned: `Oak leg ${i}`, reason: 'the wrong step' },
        },
      });
    const { items, pages } = await walk(supervisor, '/api/v1/exceptions?limit=2', 'exceptions');
    expect(pages).toBe(3);
    expect(items.map((e) => e.description)).toEqual(
      [4, 3, 2, 1, 0].map((i) => `Line stopped at P1: scanned Oak leg ${i} (the wrong step)`),
    );
    const oldest = await walk(supervisor, '/api/v1/exceptions?limit=3&sort=oldest', 'exceptions');
    expect(oldest.items.map((e) => e.description)).toEqual(
      items.map((e) => e.description).reverse(),
    );
    const stops = (await supervisor.get('/api/v1/exceptions?kind=line_stop')).body.exceptions;
    expect(stops).toHaveLength(3);
    const words = (await supervisor.get('/api/v1/exceptions?q=LEG 3')).body.exceptions;
    expect(words.map((e: any) => e.description)).toEqual([
      'Line stopped at P1: scanned Oak leg 3 (the wrong step)',
    ]);
    // from is inclusive, to exclusive; a bound with an offset is the same instant in UTC.
    const between = await walk(
      supervisor,
      `/api/v1/exceptions?limit=1&sort=oldest&from=${encodeURIComponent('2026-01-01T08:00:01+08:00')}&to=2026-01-01T00:00:04Z`,
      'exceptions',
    );
    expect(between.items.map((e) => e.description)).toEqual(
      [1, 2, 3].map((i) => `Line stopped at P1: scanned Oak leg ${i} (the wrong step)`),
    );
    const lateStops = await supervisor.get(
      '/api/v1/exceptions?kind=line_stop&from=2026-01-01T00:00:01.5Z',
    );
    expect(lateStops.body.exceptions.map((e: any) => e.description)).toEqual([
      'Line stopped at P1: scanned Oak leg 4 (the wrong step)',
      'Line stopped at P1: scanned Oak leg 2 (the wrong step)',
    ]);
  });

  it('narrows orders and the audit log to a time range (placed, or last changed with sort=updated)', async () => {
    const all = (await planner.get('/api/v1/orders?limit=200&sort=oldest')).body.orders;
    const pivot = all[4];
    const fromPivot = await walk(
      planner,
      `/api/v1/orders?limit=3&sort=oldest&from=${encodeURIComponent(pivot.createdAt)}`,
      'orders',
    );
    expect(fromPivot.items.map((o) => o.id)).toEqual(
      all.filter((o: any) => o.createdAt >= pivot.createdAt).map((o: any) => o.id),
    );
    const beforePivot = (
      await planner.get(`/api/v1/orders?limit=200&to=${encodeURIComponent(pivot.createdAt)}`)
    ).body.orders;
    expect(beforePivot.map((o: any) => o.id).sort()).toEqual(
      all
        .filter((o: any) => o.createdAt < pivot.createdAt)
        .map((o: any) => o.id)
        .sort(),
    );
    // A customer's range stays within their own orders.
    const own = (await customer.get(`/api/v1/orders?limit=200&from=2000-01-01T00:00:00Z`)).body
      .orders;
    expect(own.every((o: any) => o.customerReference.startsWith('PO-'))).toBe(true);
    // sort=updated ranges over the last change: held now, so changed after every placing.
    const held = all[0];
    const hold = await planner.post(`/api/v1/orders/${held.id}/hold`, { reason: 'Wood check' });
    expect(hold.status).toBe(200);
    const changed = (
      await planner.get(
        `/api/v1/orders?sort=updated&from=${encodeURIComponent(hold.body.updatedAt)}`,
      )
    ).body.orders;
    expect(changed.map((o: any) => o.id)).toEqual([held.id]);
    const entries = (
      await planner.get(
        `/api/v1/audit?entity=order&from=${encodeURIComponent(hold.body.updatedAt)}`,
      )
    ).body.entries;
    expect(entries.map((e: any) => e.action)).toEqual(['order.hold']);
    expect((await planner.get(`/api/v1/audit?to=2000-01-01T00:00:00Z`)).body.entries).toEqual([]);
    expect(
      (await planner.post(`/api/v1/orders/${held.id}/resume`, { reason: 'Wood ok' })).status,
    ).toBe(200);
  });

  it('pages stations with line, role, status and name filters', async () => {
    expect((await admin.post('/api/v1/lines', { name: 'Paging A' })).status).toBe(200);
    expect((await admin.post('/api/v1/lines', { name: 'Paging B' })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const created = await admin.post('/api/v1/stations', {
        name: `paging-${i}`,
        role: i < 3 ? 'production' : 'packing',
        line: i % 2 ? 'Paging B' : 'Paging A',
      });
      expect(created.status).toBe(200);
    }
    const { items } = await walk(supervisor, '/api/v1/stations?limit=2&q=paging-', 'stations');
    expect(items.map((s) => s.name)).toEqual([0, 1, 2, 3, 4].map((i) => `paging-${i}`));
    const lineB = (await supervisor.get('/api/v1/stations?line=Paging%20B')).body.stations;
    expect(lineB.map((s: any) => s.name)).toEqual(['paging-1', 'paging-3']);
    const packing = (await supervisor.get('/api/v1/stations?role=packing')).body.stations;
    expect(packing.map((s: any) => s.name)).toEqual(['paging-3', 'paging-4']);
    const revoked = lineB[0];
    expect((await admin.post(`/api/v1/stations/${revoked.id}/revoke`)).status).toBe(200);
    const revokedOnes = (await supervisor.get('/api/v1/stations?status=revoked')).body.stations;
    expect(revokedOnes.map((s: any) => s.name)).toEqual(['paging-1']);
    const waiting = (await supervisor.get('/api/v1/stations?status=awaiting_enrollment&q=paging'))
      .body.stations;
    expect(waiting.map((s: any) => s.name)).toEqual([
      'paging-0',
      'paging-2',
      'paging-3',
      'paging-4',
    ]);
  });

  it('pages the audit log newest first, filtered by entity, actor and action', async () => {
    const { items } = await walk(planner, '/api/v1/audit?limit=3&entity=product', 'entries');
    expect(items.map((e) => e.action)).toEqual(['product.created', 'product.created']);
    const all = await walk(planner, '/api/v1/audit?limit=7', 'entries');
    const ids = all.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    const oldest = await walk(planner, '/api/v1/audit?limit=7&sort=oldest', 'entries');
    expect(oldest.items.map((e) => e.id)).toEqual([...ids].reverse());
    const submitted = (await planner.get('/api/v1/audit?action=order.submitted&limit=1000')).body
      .entries;
    expect(submitted.length).toBeGreaterThanOrEqual(10);
    expect(submitted.every((e: any) => e.action === 'order.submitted')).toBe(true);
    // Words match who did it or the thing's id, in any case; % is a character, not a wildcard.
    const product = items[0]!.entityId as string;
    const byThing = await walk(
      planner,
      `/api/v1/audit?limit=2&q=${product.toLowerCase()}`,
      'entries',
    );
    expect(byThing.items.length).toBeGreaterThanOrEqual(1);
    expect(
      byThing.items.every(
        (e) =>
          e.entityId.toLowerCase().includes(product.toLowerCase()) ||
          e.actor.toLowerCase().includes(product.toLowerCase()),
      ),
    ).toBe(true);
    const actor = submitted[0].actor as string;
    const byWho = await walk(
      planner,
      `/api/v1/audit?limit=5&q=${encodeURIComponent(actor.toUpperCase())}`,
      'entries',
    );
    expect(byWho.items.map((e) => e.actor)).toContain(actor);
    expect((await planner.get('/api/v1/audit?q=%25')).body.entries).toEqual([]);
  });

  it('pages the catalog, listed and searched, by relevance, code or name', async () => {
    for (const suffix of ['A', 'B', 'C'])
      await planner.post('/api/v1/products', { ...OAK_TABLE, nameEn: `Oak bench ${suffix}` });
    const listed = await walk(customer, '/api/v1/products?limit=2&sort=code', 'hits');
    const codes = listed.items.map((hit) => hit.product.code);
    expect(codes).toHaveLength(5);
    expect(codes).toEqual([...codes].sort());
    const byName = await walk(customer, '/api/v1/products?limit=2&sort=name', 'hits');
    expect(byName.items.map((hit) => hit.product.nameEn)).toEqual([
      'Oak bench A',
      'Oak bench B',
      'Oak bench C',
      'Oak dining table',
      'Walnut dining table',
    ]);
    const searched = await walk(customer, '/api/v1/products?limit=1&q=oak', 'hits');
    const scores = searched.items.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(searched.items.map((hit) => hit.product.nameEn)).not.toContain('Walnut dining table');
    expect(searched.items).toHaveLength(4);
  });

  it('narrows stations (created) and products (last changed) to a time range', async () => {
    const { db } = server.context.storage;
    expect((await admin.post('/api/v1/lines', { name: 'L-time' })).status).toBe(200);
    const names = ['time-0', 'time-1', 'time-2'];
    for (const name of names)
      expect(
        (await admin.post('/api/v1/stations', { name, role: 'production', line: 'L-time' })).status,
      ).toBe(200);
    const created = await db
      .selectFrom('stations')
      .select(['name', 'created_at'])
      .where('name', 'in', names)
      .orderBy('created_at')
      .execute();
    const pivot = created[1]!.created_at;
    // from is inclusive; a bound with an offset is the same instant in UTC.
    const shanghai = new Date(Date.parse(pivot) + 8 * 3600_000)
      .toISOString()
      .replace('Z', '+08:00');
    const since = await walk(
      supervisor,
      `/api/v1/stations?limit=1&q=time-&from=${encodeURIComponent(shanghai)}`,
      'stations',
    );
    expect(since.items.map((s) => s.name)).toEqual(
      created
        .filter((row) => row.created_at >= pivot)
        .map((row) => row.name)
        .sort(),
    );
    const before = (
      await supervisor.get(`/api/v1/stations?q=time-&to=${encodeURIComponent(pivot)}`)
    ).body.stations;
    expect(before.map((s: any) => s.name)).toEqual(
      created
        .filter((row) => row.created_at < pivot)
        .map((row) => row.name)
        .sort(),
    );

    const edited = (await planner.post('/api/v1/products', { ...OAK_TABLE, nameEn: 'Oak stool' }))
      .body.code as string;
    const retired = await planner.request('PATCH', `/api/v1/products/${edited}`, { retired: true });
    expect(retired.status).toBe(200);
    const { updated_at: changedAt } = await db
      .selectFrom('products')
      .select('updated_at')
      .where('code', '=', edited)
      .executeTakeFirstOrThrow();
    const changedSince = (
      await planner.get(
        `/api/v1/products?status=all&sort=code&from=${encodeURIComponent(changedAt!)}`,
      )
    ).body.hits;
    const expected = await db
      .selectFrom('products')
      .select('code')
      .where('updated_at', '>=', changedAt)
      .orderBy('code')
      .execute();
    expect(changedSince.map((hit: any) => hit.product.code)).toEqual(expected.map((r) => r.code));
    expect(changedSince.map((hit: any) => hit.product.code)).toContain(edited);
    // Retired and in range: not on the customer's (active) list, nor before it changed.
    expect(
      (await customer.get(`/api/v1/products?from=${encodeURIComponent(changedAt!)}`)).body.hits.map(
        (hit: any) => hit.product.code,
      ),
    ).not.toContain(edited);
    const earlier = (
      await planner.get(`/api/v1/products?status=all&to=${encodeURIComponent(changedAt!)}`)
    ).body.hits.map((hit: any) => hit.product.code);
    expect(earlier).not.toContain(edited);
    expect(earlier).toContain(oak);
  });
});

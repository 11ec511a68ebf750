/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { fetch, type Response } from 'undici';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import {
  consume,
  dispatch,
  dispatched,
  enrollStation,
  foreignScan,
  packWhole,
  produceWhole,
  progress,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

describe.each(STORAGES)('stations, ingest, live progress and receipt on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let product: string;
  let production: TestStation;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, planner, admin, supervisor] = await server.userClients(
      'customer',
      'planner',
      'admin',
      'supervisor',
    );
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    production = await enrollStation(server, admin, 'production', 'L1');
  });
  afterAll(() => server?.stop());

  it('enrolls a station once per code, pins the certificate, and revokes it', async () => {
    const created = await admin.post('/api/v1/stations', {
      name: 'dock-1',
      role: 'shipping',
      line: 'L1',
    });
    expect(created.body.enrollmentCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const api = server.client();
    const enrolled = await api.post('/api/v1/stations/enroll', {
      code: created.body.enrollmentCode.toLowerCase(),
    });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.serverFingerprint).toBe(server.tls.fingerprint);
    expect(enrolled.body.station).toMatchObject({ name: 'dock-1', role: 'shipping', line: 'L1' });
    const reused = await server
      .client()
      .post('/api/v1/stations/enroll', { code: created.body.enrollmentCode });
    expect(reused.body.error.code).toBe('OT_ERR_ENROLLMENT');
    api.bearer = enrolled.body.token;
    const revoked = await admin.post(`/api/v1/stations/${created.body.station.id}/revoke`);
    expect(revoked.body.revokedAt).not.toBeNull();
    const afterRevoke = await api.post('/api/v1/sync/push', {
      protocol: 1,
      outboxDepth: 0,
      events: [],
    });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.code).toBe('OT_ERR_TOKEN_REVOKED');
  });

  it('stores each event once, answers duplicates, and refuses a reused sequence number', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const first = consume(production, order.code, order.resources[0]!.code);
    const pushed = await production.push([first]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.results).toEqual([{ id: first.id, seq: first.seq, status: 'accepted' }]);
    expect(pushed.body.ackedThrough).toBe(first.seq);
    const again = await production.push([first]);
    expect(again.body.results[0].status).toBe('duplicate');
    const forged = { ...consume(production, order.code, order.resources[1]!.code), seq: first.seq };
    production.seq--;
    const clash = await production.push([forged]);
    expect(clash.body.results[0]).toMatchObject({
      status: 'conflict',
      reason: expect.stringMatching(/already held with a different event/),
    });
    const state = await customer.get(`/api/v1/orders/${order.id}`);
    expect(state.body.state).toBe('in_production');
  });

  it('acknowledges only contiguous sequences, computed from its own tables', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const events = order.resources.slice(0, 3).map((r) => consume(production, order.code, r.code));
    const base = events[0]!.seq - 1;
    const gap = await production.push([events[0]!, events[2]!]);
    expect(gap.body.ackedThrough).toBe(base + 1);
    const filled = await production.push([events[1]!]);
    expect(filled.body.ackedThrough).toBe(base + 3);
  });

  it('raises a line stop as an exception and records who cleared it and why', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const foreign = mintOrderScopedCode('resource', mintOrderCode(), 1);
    const stop = foreignScan(production, order.code, foreign);
    expect((await production.push([stop])).body.results[0].status).toBe('accepted');
    const open = await supervisor.get('/api/v1/exceptions?status=open');
    const raised = open.body.exceptions.find((e: any) => e.event === stop.id);
    expect(raised).toMatchObject({
      kind: 'line_stop',
      order: order.code,
      description: expect.stringContaining(foreign),
    });
    const chen = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' })).body
      .code as string;
    // An operator's badge does not clear a line stop: stored, not applied, and raised.
    const byOperator = production.event({
      type: 'line.cleared',
      supervisor: production.operator,
      reason: 'Pallet from order next door; moved back.',
    });
    expect((await production.push([byOperator])).body.results[0]).toMatchObject({
      status: 'rejected',
      kind: 'unknown_badge',
    });
    const clear = production.event({
      type: 'line.cleared',
      supervisor: chen,
      reason: 'Pallet from order next door; moved back.',
    });
    await production.push([clear]);
    const cleared = await supervisor.get('/api/v1/exceptions?status=cleared');
    expect(cleared.body.exceptions.find((e: any) => e.id === raised.id)).toMatchObject({
      resolutionNote: 'Pallet from order next door; moved back.',
      resolvedBy: chen,
    });
  });

  it('keeps both events when two stations consumed the same resource offline, applies one and raises the other', async () => {
    const other = await enrollStation(server, admin, 'production', 'L1');
    const order = await releasedOrder(customer, planner, product, 1);
    const resource = order.resources[0]!.code;
    const a = await production.push([consume(production, order.code, resource)]);
    const second = consume(other, order.code, resource);
    const b = await other.push([second]);
    expect(a.body.results[0].status).toBe('accepted');
    expect(b.body.results[0]).toMatchObject({ status: 'rejected', kind: 'event_rejected' });
    expect(b.body.ackedThrough).toBe(second.seq);
    const raised = (await supervisor.get('/api/v1/exceptions?status=open')).body.exceptions.filter(
      (e: any) => e.event === second.id,
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'event_rejected', seq: second.seq, station: other.id });
    expect(raised[0].description).toMatch(/consumed already/);
  });

  it('takes a push again event by event when its set-based writes fail: the failing event is rejected alone, the rest applied', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    const [good, bad] = order.resources.map((resource) => resource.code) as [string, string];
    // The database refuses to mark `bad` consumed: the push's one multi-row UPDATE fails.
    const db = server.context.storage.db;
    if (storage === 'sqlite')
      await sql`CREATE TRIGGER refuse_consume BEFORE UPDATE OF consumed_at ON resources
        WHEN NEW.code = ${sql.lit(bad)} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(
        db,
      );
    else {
      await sql`CREATE FUNCTION refuse_consume() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`.execute(db);
      await sql`CREATE TRIGGER refuse_consume BEFORE UPDATE OF consumed_at ON resources
        FOR EACH ROW WHEN (NEW.code = ${sql.lit(bad)}) EXECUTE FUNCTION refuse_consume()`.execute(
        db,
      );
    }
    try {
      const events = [consume(production, order.code, good), consume(production, order.code, bad)];
      const pushed = await production.push(events);
      expect(pushed.status).toBe(200);
      expect(pushed.body.results[0]).toMatchObject({ seq: events[0]!.seq, status: 'accepted' });
      expect(pushed.body.results[1]).toMatchObject({
        seq: events[1]!.seq,
        status: 'rejected',
        kind: 'event_rejected',
      });
      expect(pushed.body.ackedThrough).toBe(events[1]!.seq);
      const stored = await db
        .selectFrom('events')
        .select(['seq', 'outcome'])
        .where('id', 'in', [events[0]!.id, events[1]!.id])
        .orderBy('seq')
        .execute();
      expect(stored.map((row) => row.outcome)).toEqual(['applied', 'rejected']);
      const resources = await db
        .selectFrom('resources')
        .select(['code', 'consumed_event_id'])
        .where('code', 'in', [good, bad])
        .execute();
      expect(Object.fromEntries(resources.map((r) => [r.code, r.consumed_event_id]))).toEqual({
        [good]: events[0]!.id,
        [bad]: null,
      });
      const raised = (
        await supervisor.get('/api/v1/exceptions?status=open')
      ).body.exceptions.filter((e: any) => e.event === events[1]!.id);
      expect(raised).toHaveLength(1);
      expect(raised[0].description).toMatch(/refused by the test/);
    } finally {
      await sql`DROP TRIGGER refuse_consume ${storage === 'postgres' ? sql`ON resources` : sql``}`.execute(
        db,
      );
    }
  });

  it('streams progress to the customer live, then packs, ships and takes the receipt', async () => {
    const order = await releasedOrder(customer, planner, product, 2);
    const response = await fetch(`${customer.baseUrl}/api/v1/orders/${order.id}/live`, {
      headers: { cookie: (customer as any).cookie },
      dispatcher: customer.agent,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const updates = readEvents(response);
    expect((await updates.next()).order.state).toBe('released');

    await production.push(order.resources.map((r) => consume(production, order.code, r.code)));
    expect((await updates.next()).order.state).toBe('in_production');
    const pushedAt = Date.now();
    await production.push([
      production.event({
        type: 'progress.reported',
        order: order.code,
        step: 'assembly',
        unitsDone: 1,
        unitsOrdered: 2,
      }),
    ]);
    const live = await updates.next();
    expect(Date.now() - pushedAt).toBeLessThan(1000);
    expect(live.order).toMatchObject({
      state: 'in_production',
      progress: [{ step: 'assembly', unitsDone: 1, unitsOrdered: 2 }],
    });

    await production.push([progress(production, order.code, 2, 2)]);
    expect((await updates.next()).order.state).toBe('produced');

    const packing = await enrollStation(server, admin, 'packing', 'L1');
    const pkg = await packWhole(packing, order);
    expect((await updates.next()).order).toMatchObject({
      state: 'packed',
      packages: [{ code: pkg, number: 1, of: 1 }],
    });

    const dock = await enrollStation(server, admin, 'shipping', 'L1');
    await dock.push([dispatched(dock, order.code, pkg, 'SF Express')]);
    expect((await updates.next()).order.state).toBe('shipped');

    const stranger = await server.userClient('customer');
    const notTheirs = await stranger.post('/api/v1/receipts', { verdict: 'confirm', package: pkg });
    expect(notTheirs.status).toBe(404);
    const unitInstead = await customer.post('/api/v1/receipts', {
      verdict: 'confirm',
      package: order.units[0],
    });
    expect(unitInstead.body.error.message).toMatch(/unit code; scan the package label/);
    const confirmed = await customer.post('/api/v1/receipts', { verdict: 'confirm', package: pkg });
    expect(confirmed.body).toMatchObject({
      state: 'delivered',
      packages: [{ receipt: 'confirmed' }],
    });
    expect((await updates.next()).order.state).toBe('delivered');
    const twice = await customer.post('/api/v1/receipts', {
      verdict: 'reject',
      package: pkg,
      reason: 'late',
    });
    expect(twice.status).toBe(409);
    await updates.close();
  });

  it('records a rejected receipt with its reason and raises it', async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    await produceWhole(production, order);
    const packing = await enrollStation(server, admin, 'packing', 'L1');
    const dock = await enrollStation(server, admin, 'shipping', 'L1');
    const pkg = await packWhole(packing, order);
    await dispatch(dock, order.code, pkg);
    const rejected = await customer.post('/api/v1/receipts', {
      verdict: 'reject',
      package: pkg,
      reason: 'Table top cracked in transit',
    });
    expect(rejected.body).toMatchObject({
      state: 'receipt_rejected',
      packages: [
        {
          receipt: 'rejected',
          receiptReason: 'Table top cracked in transit',
          // What was packed into it: the receipt screen shows it.
          units: order.units.length,
        },
      ],
    });
    const raised = (await supervisor.get('/api/v1/exceptions?status=open')).body.exceptions.filter(
      (e: any) => e.kind === 'receipt_rejected' && e.order === order.code,
    );
    expect(raised).toHaveLength(1);
  });

  it("applies one dispatch of a package and raises the second dock's", async () => {
    const order = await releasedOrder(customer, planner, product, 1);
    await produceWhole(production, order);
    const packing = await enrollStation(server, admin, 'packing', 'L1');
    const [dockA, dockB] = await Promise.all([
      enrollStation(server, admin, 'shipping', 'L1'),
      enrollStation(server, admin, 'shipping', 'L1'),
    ]);
    const pkg = await packWhole(packing, order);
    expect((await dispatch(dockA, order.code, pkg)).body.results[0].status).toBe('accepted');
    const second = await dispatch(dockB, order.code, pkg);
    expect(second.body.results[0]).toMatchObject({ status: 'rejected', kind: 'event_rejected' });
    const raised = (await supervisor.get('/api/v1/exceptions?status=open')).body.exceptions.filter(
      (e: any) => e.kind === 'event_rejected' && e.description.includes(pkg),
    );
    expect(raised, JSON.stringify(second.body)).toHaveLength(1);
  });

  it('refuses a whole batch that is malformed, out of scope, oversized or in an unknown protocol', async () => {
    const other = await enrollStation(server, admin, 'production', 'L1');
    const order = await releasedOrder(customer, planner, product, 1);
    const good = consume(production, order.code, order.resources[0]!.code);
    const theirs = consume(other, order.code, order.resources[1]!.code);
    const outOfScope = await production.push([good, theirs]);
    expect(outOfScope.status).toBe(403);
    const malformed = await production.api.post('/api/v1/sync/push', {
      protocol: 1,
      outboxDepth: 0,
      events: [good, { ...theirs, body: { type: 'scan.decided' } }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('OT_ERR_VALIDATION');
    const protocol = await production.api.post('/api/v1/sync/push', {
      protocol: 99,
      outboxDepth: 0,
      events: [good],
    });
    expect(protocol.body.error).toMatchObject({
      code: 'OT_ERR_PROTOCOL',
      message: expect.stringMatching(/protocol 99 is not supported/),
    });
    const huge = await production.api.request('POST', '/api/v1/sync/push', undefined, {
      raw: JSON.stringify({
        protocol: 1,
        outboxDepth: 0,
        events: [],
        pad: 'x'.repeat(9 * 1024 * 1024),
      }),
    });
    expect(huge.status).toBe(413);
    const noToken = await server
      .client()
      .post('/api/v1/sync/push', { protocol: 1, outboxDepth: 0, events: [good] });
    expect(noToken.status).toBe(401);
    // Nothing of any refused batch was applied.
    const resources = await server.context.storage.db
      .selectFrom('resources')
      .select(['code', 'consumed_at'])
      .where('order_id', '=', order.id)
      .execute();
    expect(resources.every((r) => r.consumed_at === null)).toBe(true);
    expect((await production.push([good])).body.results[0].status).toBe('accepted');
  });
});

/** Read server-sent events one `order` message at a time. */
function readEvents(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<any> {
      for (;;) {
        const match = /event: order\ndata: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!);
        }
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no live update within 3 s')), 3000),
          ),
        ]);
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

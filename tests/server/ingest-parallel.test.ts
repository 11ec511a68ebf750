import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { OAK_TABLE } from './fixtures.ts';
import { startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { consume, enrollStation, releasedOrder, type TestStation } from './station-flow.ts';

/*
 * Two stations' pushes on PostgreSQL run at the same time (docs/decisions/0008): one push
 * held open after it wrote its change-log row, another station's push commits meanwhile,
 * and a pull in between stops short of the held row (its id is smaller and not committed),
 * then returns both once it commits. SQLite has one writer, so this is PostgreSQL's alone.
 */
describe('two stations ingest in parallel on postgres', () => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let first: TestStation;
  let second: TestStation;
  let product: string;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    const admin = await server.userClient('admin');
    [customer, planner] = await server.userClients('customer', 'planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    first = await enrollStation(server, admin, 'production', 'L1');
    second = await enrollStation(server, admin, 'production', 'L1');
  });
  afterAll(() => server?.stop());

  const pull = async (station: TestStation, after: number) => {
    const answer = await station.api.get(
      `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=${after}&limit=1000`,
    );
    expect(answer.status).toBe(200);
    return answer.body as { changes: { key: string }[]; cursor: number; more: boolean };
  };

  const drain = async (station: TestStation) => {
    let cursor = 0;
    for (;;) {
      const page = await pull(station, cursor);
      cursor = page.cursor;
      if (!page.more) return cursor;
    }
  };

  it('commits one station’s push while another’s transaction is held open', async () => {
    const orderA = await releasedOrder(customer, planner, product, 1);
    const orderB = await releasedOrder(customer, planner, product, 1);
    const cursor = await drain(second);

    // Hold the first station's row against updates (not against the key checks of its
    // events): its push writes its change-log row, then waits at "last seen", the end of
    // its transaction, until this transaction ends.
    const blocker: pg.PoolClient = await server.context.storage.pool!.connect();
    let firstSettled = false;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM stations WHERE id = $1 FOR NO KEY UPDATE', [first.id]);
      const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const heldPush = first.push([consume(first, orderA.code, orderA.resources[0]!.code)]);
      void heldPush.finally(() => (firstSettled = true));
      for (;;) {
        const waiting = await blocker.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [blockerPid],
        );
        if (waiting.rows[0].n > 0) break;
        expect(firstSettled).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const pushed = await second.push([consume(second, orderB.code, orderB.resources[0]!.code)]);
      expect(pushed.status).toBe(200);
      expect(pushed.body.results[0].status).toBe('accepted');
      expect(firstSettled).toBe(false);

      // The held row drew the smaller id; a pull now stops below it, and so below the second's.
      const during = await pull(second, cursor);
      expect(during.changes.map((c) => c.key)).not.toContain(orderB.resources[0]!.code);

      await blocker.query('COMMIT');
      const firstPushed = await heldPush;
      expect(firstPushed.status).toBe(200);
      expect(firstPushed.body.results[0].status).toBe('accepted');

      const keys: string[] = [...during.changes.map((c) => c.key)];
      let after = during.cursor;
      for (;;) {
        const page = await pull(second, after);
        keys.push(...page.changes.map((c) => c.key));
        after = page.cursor;
        if (!page.more) break;
      }
      expect(keys).toContain(orderA.resources[0]!.code);
      expect(keys).toContain(orderB.resources[0]!.code);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
  }, 120_000);
});

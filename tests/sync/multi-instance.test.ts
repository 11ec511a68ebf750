import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from '../server/fixtures.ts';
import { releasedOrder } from '../server/station-flow.ts';
import {
  enrolledReplica,
  eventually,
  RestartableServer,
  type TestReplica,
} from './sync-harness.ts';

describe('several server instances on one PostgreSQL', () => {
  const a = new RestartableServer('postgres');
  const b = new RestartableServer('postgres', a.schema);
  let replica: TestReplica | undefined;

  beforeAll(async () => {
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await replica?.close();
    await b.stop();
    await a.destroy();
  });

  it('brings a change made through one instance to a station connected to another, live', async () => {
    const adminA = await a.userClient('admin');
    const plannerA = await a.userClient('planner');
    const customerA = await a.userClient('customer');
    await adminA.post('/api/v1/lines', { name: 'L1' });
    const product = (await plannerA.post('/api/v1/products', OAK_TABLE)).body.code as string;
    // The station enrolls with, and listens to, instance B only.
    replica = await enrolledReplica(b, await b.userClient('admin'), 'production', 'L1');
    replica.sync.start();
    await eventually(
      () => replica!.sync.status().link === 'live' && replica!.sync.ready,
      10_000,
      'live on B',
    );
    const started = Date.now();
    const order = await releasedOrder(customerA, plannerA, product, 1);
    await eventually(
      () => replica!.db.prepare('SELECT 1 FROM orders WHERE code = ?').get(order.code),
      5000,
      'the order made through A',
    );
    // Live, not the 5 s poll: the notice crossed instances through LISTEN/NOTIFY.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { loadServerConfig } from '#server/config.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import { STORAGES, startTestServer, type TestServer } from '../server/harness.ts';
import { enrollStation, releasedOrder, type TestStation } from '../server/station-flow.ts';
import { eventually } from '../sync/sync-harness.ts';

/** The broker CI starts (.ci/run): a test that needs it fails loudly when it is away. */
const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

interface Message {
  topic: string;
  payload: Record<string, unknown>;
  retained: boolean;
  at: number;
}

describe.each(STORAGES)('MQTT publishing on %s', (storage) => {
  // A plant of its own, so parallel runs on one broker never hear each other.
  const plantName = `plant-${randomBytes(4).toString('hex')}`;
  let server: TestServer;
  let subscriber: MqttClient;
  const messages: Message[] = [];
  let saw: TestStation;
  let supervisorBadge: string;
  let order: Awaited<ReturnType<typeof releasedOrder>>;

  beforeAll(async () => {
    subscriber = await mqtt.connectAsync(BROKER, { connectTimeout: 3000, reconnectPeriod: 0 });
    await subscriber.subscribeAsync(`ordertrace/${plantName}/#`, { qos: 1 });
    subscriber.on('message', (topic, payload, packet) =>
      messages.push({
        topic,
        payload: JSON.parse(payload.toString('utf8')) as Record<string, unknown>,
        retained: packet.retain,
        at: Date.now(),
      }),
    );
    server = await startTestServer(storage, { env: { MQTT_URL: BROKER } });
    const [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: plantName });
    saw = await enrollStation(server, admin, 'production', 'L1', 'saw-1');
    supervisorBadge = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' }))
      .body.code;
    order = await releasedOrder(customer, planner, product, 1);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await subscriber?.endAsync();
  });

  it('publishes a line stop under ordertrace/<plant>/<line>/<station>/ within a second of the scan reaching the server', async () => {
    const pushed = await saw.push([
      saw.event({
        type: 'scan.decided',
        role: 'production',
        currentOrder: order.code,
        scanned: mintOrderScopedCode('resource', mintOrderCode(), 1),
        scannedOrder: null,
        verdict: 'line_stop',
        reason: 'Resource of another order.',
      }),
    ]);
    expect(pushed.status).toBe(200);
    const answeredAt = Date.now();
    const stop = await eventually(
      () => messages.find((m) => m.topic === `ordertrace/${plantName}/L1/saw-1/line.stopped`),
      5000,
      'the line stop on MQTT',
    );
    if (!stop) throw new Error('unreachable');
    expect(stop.at - answeredAt).toBeLessThan(1000);
    expect(stop.payload).toMatchObject({ kind: 'line.stopped', order: order.code, line: 'L1' });
    expect(Date.parse(String(stop.payload.at))).not.toBeNaN();
    const state = await eventually(
      () => messages.find((m) => m.topic === `ordertrace/${plantName}/L1/saw-1/line_state`),
      5000,
      'the line state',
    );
    if (!state) throw new Error('unreachable');
    expect(state.payload).toMatchObject({ stopped: true });

    await saw.push([
      saw.event({ type: 'line.cleared', supervisor: supervisorBadge, reason: 'wrong bin, moved' }),
    ]);
    await eventually(
      () => messages.find((m) => m.topic === `ordertrace/${plantName}/L1/saw-1/line.cleared`),
      5000,
      'the clearance on MQTT',
    );
    // A board that connects now still learns the line runs again (retained).
    const late = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0 });
    try {
      const retained = new Promise<Record<string, unknown>>((resolve) =>
        late.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString('utf8')))),
      );
      await late.subscribeAsync(`ordertrace/${plantName}/L1/saw-1/line_state`);
      expect(await retained).toMatchObject({ stopped: false });
    } finally {
      await late.endAsync();
    }
  });

  it('publishes order state changes from the server under …/server/order.state_changed', async () => {
    const released = await eventually(
      () =>
        messages.find(
          (m) =>
            m.topic === `ordertrace/${plantName}/L1/server/order.state_changed` &&
            m.payload.order === order.code,
        ),
      5000,
      'the release on MQTT',
    );
    expect(released?.payload).toMatchObject({ data: { to: 'released' } });
  });
});

describe('MQTT_URL', () => {
  it('must be an mqtt:// or mqtts:// URL', () => {
    expect(() =>
      loadServerConfig({ flags: {}, env: { MQTT_URL: 'http://127.0.0.1:1883' }, cwd: '/tmp' }),
    ).toThrow(/MQTT_URL must be an mqtt:\/\/ or mqtts:\/\/ URL/);
  });
});

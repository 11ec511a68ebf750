import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type TestServer } from './harness.ts';
import { consume, enrollStation, eventsHeldFrom, releasedOrder } from './station-flow.ts';

/*
 * Clients that go away mid-conversation (a station losing its network, a load generator
 * giving up) leave nothing behind that keeps the server from closing: a TLS handshake cut
 * short or stalled, bytes that are not TLS, a push cut mid-body, and a push whose client
 * left before its answer. Each push settles (stored once, or nothing of it), and
 * `server.close()` resolves. A socket that kept close() waiting was the benchmark's exit
 * code 13: nothing else was left for the event loop, so Node gave up on the await.
 */
const opened = new Set<TestServer>();
afterEach(async () => {
  // Only for a test that failed before its own stop: a hung close must not hang the file.
  for (const server of opened) void server.stop().catch(() => undefined);
  opened.clear();
});

/** A TLS record header announcing a ClientHello, and the first byte of it. */
const CLIENT_HELLO_START = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);

/** Resolves when the server has closed the socket (or the socket is gone). */
const closedBy = (socket: Socket) =>
  new Promise<void>((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });

describe.each(STORAGES)('dropped connections on %s', (storage) => {
  it('settles every push and closes the server after clients drop mid-request', async () => {
    const server = await startTestServer(storage);
    opened.add(server);
    const port = Number(new URL(server.url).port);
    const admin = await server.userClient('admin');
    const [customer, planner] = await server.userClients('customer', 'planner');
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    const station = await enrollStation(server, admin, 'production', 'L1');
    const order = await releasedOrder(customer, planner, product, 1);

    // A TLS handshake that stalls: a ClientHello's record header, then nothing. The server
    // gives up on it after its handshake timeout and closes it (it once wrote an HTTP error
    // into the unfinished handshake instead and kept the socket, and close() waiting, forever).
    const stalled = connectTcp(port, '127.0.0.1');
    const stalledClosed = closedBy(stalled);
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write(CLIENT_HELLO_START);
    // One cut short: the same start, then the connection reset.
    const reset = connectTcp(port, '127.0.0.1');
    reset.on('error', () => undefined);
    await new Promise((resolve) => reset.once('connect', resolve));
    reset.write(CLIENT_HELLO_START);
    reset.resetAndDestroy();

    // Plain HTTP on the TLS port: the server refuses it and closes the connection itself.
    const plain = connectTcp(port, '127.0.0.1');
    const plainClosed = closedBy(plain);
    plain.write(`GET /api/v1/health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    await plainClosed;

    // A push whose body never finishes: the client leaves after a tenth of it.
    const push = (events: unknown[]) =>
      JSON.stringify({ protocol: PROTOCOL_VERSION, outboxDepth: 0, events });
    const cutBody = push([consume(station, order.code, order.resources[0]!.code)]);
    station.seq--; // that event never arrived: the next one takes its sequence number
    const headers = (length: number) =>
      `POST /api/v1/sync/push HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${station.api.bearer}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    const tls = () => {
      const socket = connectTls({
        host: '127.0.0.1',
        port,
        ca: server.tls.cert,
        servername: 'localhost',
      });
      socket.on('error', () => undefined);
      return new Promise<typeof socket>((resolve) =>
        socket.once('secureConnect', () => resolve(socket)),
      );
    };
    const cut = await tls();
    cut.write(headers(Buffer.byteLength(cutBody)) + cutBody.slice(0, cutBody.length / 10));
    cut.destroy();

    // A whole push whose client leaves before the answer. Whether the server read all of it
    // before the connection went is a race; the station's retry is answered either way, and
    // the event is held exactly once.
    const event = consume(station, order.code, order.resources[0]!.code);
    const body = push([event]);
    const left = await tls();
    const leftClosed = closedBy(left);
    left.write(headers(Buffer.byteLength(body)) + body, () => left.destroy());
    await leftClosed;
    const retried = await station.push([event]);
    expect(retried.status).toBe(200);
    expect(retried.body.results).toHaveLength(1);
    expect(['accepted', 'duplicate']).toContain(retried.body.results[0].status);
    expect(retried.body.ackedThrough).toBe(1);
    expect(await eventsHeldFrom(server, station.id)).toBe(1);

    await stalledClosed;
    // Nothing of any of them keeps the server open.
    await server.stop();
    opened.delete(server);
  }, 120_000);
});

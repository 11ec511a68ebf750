import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { zplPrinterConfigSchema } from '#core/devices/printer-config.ts';
import { ZplTcpPrinter } from '#native/printers/zpl-tcp-printer.ts';
import { hostStatusReply } from '#native/printers/fake-host-status-reply.ts';

/*
 * ZPL printers on loopback: one that answers ~HS and records the label it receives, and
 * one that accepts the connection and never answers.
 */
interface FakePrinter {
  port: number;
  received: () => string;
  server: Server;
}

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function fakePrinter(
  answer: ((request: string) => string | undefined) | 'never',
): Promise<FakePrinter> {
  let received = '';
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (answer === 'never') return;
      if (received.endsWith('~HS')) {
        const reply = answer('~HS');
        if (reply) socket.write(reply);
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, server, received: () => received };
}

const printer = (port: number, options: Record<string, unknown> = {}) =>
  new ZplTcpPrinter(
    zplPrinterConfigSchema.parse({
      kind: 'zpl-tcp',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 500,
      replyTimeoutMs: 300,
      ...options,
    }),
  );

const LABEL = '^XA^CI28^FO50,50^A0N,40,40^FD订单 RD7K2M9QX4T^FS^BCN,80^FDRD7K2M9QX4T^FS^XZ';

async function settle(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('ZPL over TCP 9100', () => {
  it('asks ~HS, then sends the label, UTF-8 intact', async () => {
    const fake = await fakePrinter(() => hostStatusReply());
    await expect(printer(fake.port).print({ format: 'zpl', data: LABEL })).resolves.toEqual({
      printer: `127.0.0.1:${fake.port}`,
    });
    await settle(() => fake.received().endsWith('^XZ'));
    expect(fake.received()).toBe(`~HS${LABEL}`);
  });

  it('refuses to print when the printer is out of paper, and says so', async () => {
    const fake = await fakePrinter(() => hostStatusReply({ paperOut: true, paused: true }));
    await expect(printer(fake.port).print({ format: 'zpl', data: LABEL })).rejects.toMatchObject({
      code: 'paper-out',
      message: expect.stringMatching(/out of labels/),
    });
    expect(fake.received()).toBe('~HS');
  });

  it('reports status: paused', async () => {
    const fake = await fakePrinter(() => hostStatusReply({ paused: true }));
    expect(await printer(fake.port).status()).toMatchObject({ ready: false, problem: 'paused' });
  });

  it('times out on a printer that accepts the connection and never answers', async () => {
    const fake = await fakePrinter('never');
    const started = Date.now();
    await expect(printer(fake.port).print({ format: 'zpl', data: LABEL })).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/accepted the connection but did not answer the status query/),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await printer(fake.port).status()).toMatchObject({ ready: false, problem: 'timeout' });
  });

  it('sends without asking when statusQuery is off', async () => {
    const fake = await fakePrinter('never');
    await printer(fake.port, { statusQuery: false }).print({ format: 'zpl', data: LABEL });
    await settle(() => fake.received() === LABEL);
    expect(fake.received()).toBe(LABEL);
  });

  it('says the printer is off when nothing listens on the port', async () => {
    const fake = await fakePrinter('never');
    const { port } = fake;
    await new Promise((resolve) => fake.server.close(resolve));
    servers.length = 0;
    await expect(printer(port).print({ format: 'zpl', data: LABEL })).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/refused the connection: is it switched on/),
    });
  });

  it('refuses a PDF, which a ZPL printer would print as garbage', async () => {
    await expect(
      printer(1).print({ format: 'pdf', data: new Uint8Array([0x25]) }),
    ).rejects.toMatchObject({ code: 'wrong-format' });
  });

  it('answers garbage to ~HS: a clear error, not a hang', async () => {
    const fake = await fakePrinter(() => '\u0002x\u0003\u0002y\u0003\u0002z\u0003');
    await expect(printer(fake.port).print({ format: 'zpl', data: LABEL })).rejects.toMatchObject({
      code: 'rejected',
    });
  });
});

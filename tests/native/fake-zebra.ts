import { createServer, type Socket } from 'node:net';
import type { PrinterConfigOf } from '#core/devices/printer-config.ts';
import { hostStatusReply } from '#native/printers/fake-host-status-reply.ts';

/**
 * A Zebra-compatible printer on loopback port 9100's stand-in: answers ~HS as a ready
 * printer and keeps every label (each ^XA…^XZ) it is sent, in order.
 */
export interface FakeZebra {
  port: number;
  /** The ZPL labels received so far. */
  labels(): string[];
  /** Resolves once `count` labels have arrived. */
  waitForLabels(count: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** The station's printer setting for `zebra`, as a supervisor saves it. */
export const zebraPrinterSetting = (zebra: FakeZebra): PrinterConfigOf<'zpl-tcp'> => ({
  kind: 'zpl-tcp',
  host: '127.0.0.1',
  port: zebra.port,
  connectTimeoutMs: 3000,
  replyTimeoutMs: 3000,
  statusQuery: true,
});

export async function fakeZebra(): Promise<FakeZebra> {
  const labels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      if (pending.includes('~HS')) {
        pending = pending.replace('~HS', '');
        socket.write(hostStatusReply());
      }
      for (let end = pending.indexOf('^XZ'); end >= 0; end = pending.indexOf('^XZ')) {
        const start = pending.indexOf('^XA');
        labels.push(pending.slice(Math.max(0, start), end + 3));
        pending = pending.slice(end + 3);
      }
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    labels: () => [...labels],
    async waitForLabels(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (labels.length < count) {
        if (Date.now() > deadline)
          throw new Error(`the printer got ${labels.length} label(s), not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...labels];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

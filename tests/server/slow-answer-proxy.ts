import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy (TLS passes through it untouched) that holds everything the server sends
 * for `holdMs` before passing it on, as a slow or lossy network does. `cut()` drops what it
 * holds and closes every connection: requests the server finished, committed and answered
 * then never get their answer to the client — the review's "stored but not acknowledged".
 */
export interface SlowAnswerProxy {
  url: string;
  cut(): void;
  close(): Promise<void>;
}

export async function slowAnswerProxy(
  target: { host: string; port: number },
  holdMs: number,
): Promise<SlowAnswerProxy> {
  const links = new Set<{ client: Socket; server: Socket }>();
  const timers = new Set<NodeJS.Timeout>();
  let cut = false;
  const proxy: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const server = connect(target.port, target.host);
    const link = { client, server };
    links.add(link);
    client.on('data', (chunk) => server.write(chunk));
    server.on('data', (chunk) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        client.write(chunk);
      }, holdMs);
      timers.add(timer);
    });
    const end = () => {
      links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    url: `https://127.0.0.1:${address.port}`,
    cut() {
      cut = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
    },
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

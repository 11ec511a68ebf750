import pino from 'pino';
import { loadServerConfig } from '#server/config.ts';
import type { ServerContext } from '#server/context.ts';
import { openContext } from '#server/open-context.ts';

/**
 * Run `work` over the server's storage (the data dir, or DATABASE_URL as the server reads
 * it), without serving anything, and close the storage whatever happens.
 */
export async function withStoredContext<T>(
  dataDir: string | undefined,
  work: (context: ServerContext) => Promise<T>,
): Promise<T> {
  const config = loadServerConfig({
    flags: { 'data-dir': dataDir },
    env: process.env,
    cwd: process.cwd(),
  });
  const { context } = await openContext(config, { logger: pino({ level: 'warn' }) });
  try {
    return await work(context);
  } finally {
    await context.live.close();
    await context.storage.close();
  }
}

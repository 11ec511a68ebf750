import pino, { type Logger } from 'pino';
import { SESSION_LIFETIME_DAYS, type ServerConfig } from './config.ts';
import type { ServerContext } from './context.ts';
import { createMemoryBus, createPostgresBus } from './live/live-bus.ts';
import { createServerMetrics } from './metrics/server-metrics.ts';
import { ssccSettings } from './labels/sscc-blocks.ts';
import { migrate } from './storage/migrate.ts';
import { openStorage, type Storage } from './storage/open-storage.ts';
import { loadOrCreateTls, type TlsMaterial } from './tls.ts';

export interface StartOptions {
  /** PostgreSQL schema (tests give each run its own). */
  schema?: string;
  logger?: Logger;
  now?: () => Date;
}

/**
 * The server's context without its HTTP side: TLS material, migrated storage, the live bus.
 * Commands that work on the database (`ordertrace user`, `demo`, `epcis`) open only this,
 * so they load neither Fastify nor the routes and label renderer behind them.
 */
export async function openContext(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<{ context: ServerContext; tls: TlsMaterial }> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const tls = await loadOrCreateTls({
    dataDir: config.dataDir,
    certFile: config.tlsCert,
    keyFile: config.tlsKey,
  });
  const storage: Storage = await openStorage({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    schema: options.schema,
  });
  const applied = await migrate(storage);
  if (applied.length > 0) log.info({ applied, storage: storage.kind }, 'database migrated');
  const live = storage.pool
    ? await createPostgresBus(storage.pool, (error) =>
        log.warn({ err: error }, 'live notifications interrupted'),
      )
    : createMemoryBus();
  return {
    context: {
      storage,
      live,
      now: options.now ?? (() => new Date()),
      log,
      fingerprint: tls.fingerprint,
      metrics: createServerMetrics(() => storage.db),
      sscc: ssccSettings(config),
      sessions: {
        lifetimeMs: SESSION_LIFETIME_DAYS * 86_400_000,
        idleMs: config.sessionIdleMinutes * 60_000,
      },
    },
    tls,
  };
}

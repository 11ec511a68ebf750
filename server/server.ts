import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { compactChangeLog } from './replication/change-log.ts';
import { replicaFilesOf } from './replication/replica-file.ts';
import { deleteExpiredSessions } from './auth/users.ts';
import { deleteExpiredIdempotencyKeys } from './idempotency/idempotency-keys.ts';
import type { ServerConfig } from './config.ts';
import type { ServerContext } from './context.ts';
import { openContext, type StartOptions } from './open-context.ts';
import type { TlsMaterial } from './tls.ts';
import { startIntegrationPump } from './integration/integration-pump.ts';

const COMPACTION_INTERVAL_MS = 24 * 3_600_000;
/** Expired sessions (and their feeds) and expired idempotency keys are deleted this often. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;

export interface RunningServer {
  app: FastifyInstance;
  context: ServerContext;
  url: string;
  tls: TlsMaterial;
  close(): Promise<void>;
}

/** Open storage, migrate, build the app and listen over HTTPS. Closes gracefully. */
export async function startServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const { context, tls } = await openContext(config, options);
  const app = await buildApp(context, {
    https: { key: tls.key, cert: tls.cert },
    logger: context.log,
    metricsToken: config.metricsToken,
    connectionsPerAddress: config.connectionsPerAddress,
    replicaFilesDir: join(config.dataDir, 'replica-files'),
    pushQuota: {
      pushesPerSecond: config.stationPushesPerSecond,
      bytesPerSecond: config.stationPushBytesPerSecond,
    },
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  // Daily change-log compaction (docs/sync.md); the first run waits a day, so a start stays fast.
  const compaction = setInterval(() => {
    compactChangeLog(context)
      .then((result) => context.log.info(result, 'change log compacted'))
      .catch((error: unknown) => context.log.error({ err: error }, 'change-log compaction failed'));
  }, COMPACTION_INTERVAL_MS);
  compaction.unref();
  const housekeeping = setInterval(() => {
    deleteExpiredSessions(context).catch((error: unknown) =>
      context.log.error({ err: error }, 'deleting expired sessions failed'),
    );
    deleteExpiredIdempotencyKeys(context).catch((error: unknown) =>
      context.log.error({ err: error }, 'deleting expired idempotency keys failed'),
    );
    // Replica files that fell behind are rebuilt before the next station asks.
    replicaFilesOf(context)
      ?.refreshStale()
      .catch((error: unknown) =>
        context.log.error({ err: error }, 'refreshing replica files failed'),
      );
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  // The MQTT client is loaded only by a server that publishes (a fast start otherwise).
  const mqtt = config.mqttUrl
    ? await (
        await import('./integration/mqtt-publisher.ts')
      ).startMqttPublisher(context, config.mqttUrl)
    : undefined;
  const integration = startIntegrationPump(context, mqtt ? [mqtt.step] : []);
  let closing: Promise<void> | undefined;
  return {
    app,
    context,
    tls,
    url: `https://${host}:${port}`,
    close() {
      closing ??= (async () => {
        clearInterval(compaction);
        clearInterval(housekeeping);
        await integration.stop();
        await mqtt?.close();
        await app.close();
        await context.live.close();
        await context.storage.close();
      })();
      return closing;
    },
  };
}

import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { mkdtempSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody } from '#core/api/errors.ts';
import type { ServerContext } from './context.ts';
import { installAuthentication } from './plugins/authentication.ts';
import { installMetrics } from './metrics/install-metrics.ts';
import { installControlCharacterCheck } from './plugins/control-characters.ts';
import { installErrorHandler } from './plugins/error-handler.ts';
import {
  clientErrorHandler,
  installOriginCheck,
  installSecurityHeaders,
  limitConnectionsPerAddress,
  TIMEOUTS,
  TLS_HARDENING,
} from './plugins/http-hardening.ts';
import { authRoutes } from './routes/auth.ts';
import { backOfficeRoutes } from './routes/back-office.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { epcisRoutes } from './routes/epcis.ts';
import { healthRoutes } from './routes/health.ts';
import { labelRoutes } from './routes/labels.ts';
import { problemReportRoutes } from './routes/problem-reports.ts';
import { orderConversationRoutes } from './routes/order-conversation.ts';
import { orderRoutes } from './routes/orders.ts';
import { portalStaticRoutes } from './routes/portal-static.ts';
import { ssccBlockRoutes } from './routes/sscc-blocks.ts';
import { stationRoutes } from './routes/stations.ts';
import { syncDownRoutes } from './routes/sync-down.ts';
import { replicaFileRoutes } from './routes/replica-file.ts';
import { ReplicaFiles } from './replication/replica-file.ts';
import { syncRoutes } from './routes/sync.ts';
import { traceRoutes } from './routes/trace.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { intakeRoutes } from './routes/intake.ts';
import type { PushQuotaSettings } from './stations/push-quota.ts';
import { SERVER_VERSION } from './version.ts';

export interface AppOptions {
  https: { key: string; cert: string };
  logger: FastifyInstance['log'] | false;
  /** Serve /metrics to requests bearing this token; without it, no /metrics. */
  metricsToken?: string | undefined;
  /** Open connections per client address (0: no cap; docs/security.md). */
  connectionsPerAddress?: number;
  /** Where prebuilt replica files go (docs/sync.md); a temporary directory when absent. */
  replicaFilesDir?: string;
  /** Per-station push quota; DEFAULT_PUSH_QUOTA without it. */
  pushQuota?: PushQuotaSettings;
}

export const DEFAULT_CONNECTIONS_PER_ADDRESS = 128;

/** The whole HTTP API as one Fastify instance that does not listen (server.ts does). */
export async function buildApp(
  context: ServerContext,
  options: AppOptions,
): Promise<FastifyInstance> {
  const app = Fastify({
    https: {
      ...options.https,
      ...TLS_HARDENING,
      headersTimeout: TIMEOUTS.headersMs,
      requestTimeout: TIMEOUTS.requestMs,
      connectionsCheckingInterval: TIMEOUTS.checkEveryMs,
    },
    requestTimeout: TIMEOUTS.requestMs,
    clientErrorHandler,
    // A URL that does not even decode gets the documented error body too.
    frameworkErrors: (error, _request, reply) => {
      const body: ErrorBody = {
        error: {
          code: 'OT_ERR_VALIDATION',
          message: `The request URL is not valid: ${error.message}`,
        },
      };
      void (reply as FastifyReply).code(400).send(body);
    },
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Live feeds (SSE) never end by themselves: closing the server must end them.
    forceCloseConnections: true,
    // Unknown properties are errors, not silently dropped: schemas are strict objects.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  limitConnectionsPerAddress(
    app.server as HttpsServer,
    options.connectionsPerAddress ?? DEFAULT_CONNECTIONS_PER_ADDRESS,
  );
  installSecurityHeaders(app);
  installOriginCheck(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Ordertrace information server',
        version: SERVER_VERSION,
        description: 'See docs/api.md.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyCookie);
  // preHandler: the login limit keys on the email in the body, which is parsed by then.
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler' });
  // Before authentication: the scrape's bearer token is not a station's.
  installMetrics(app, context, options.metricsToken);
  installAuthentication(app, context);
  installControlCharacterCheck(app);

  await app.register(healthRoutes(context));
  await app.register(authRoutes(context));
  await app.register(catalogRoutes(context));
  await app.register(orderRoutes(context));
  await app.register(orderConversationRoutes(context));
  await app.register(problemReportRoutes(context));
  await app.register(stationRoutes(context));
  await app.register(syncRoutes(context, options.pushQuota));
  await app.register(ssccBlockRoutes(context));
  await app.register(syncDownRoutes(context));
  const replicaFiles = new ReplicaFiles(
    context,
    options.replicaFilesDir ?? mkdtempSync(join(tmpdir(), 'ordertrace-replica-files-')),
  );
  await app.register(replicaFileRoutes(context, replicaFiles));
  await app.register(backOfficeRoutes(context));
  await app.register(epcisRoutes(context));
  await app.register(traceRoutes(context));
  await app.register(dashboardRoutes(context));
  await app.register(labelRoutes(context));
  await app.register(webhookRoutes(context));
  await app.register(intakeRoutes(context));
  await app.register(portalStaticRoutes());
  return app;
}

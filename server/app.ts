import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ServerContext } from './context.ts';
import { installAuthentication } from './plugins/authentication.ts';
import { installMetrics } from './metrics/install-metrics.ts';
import { installControlCharacterCheck } from './plugins/control-characters.ts';
import { installErrorHandler } from './plugins/error-handler.ts';
import { authRoutes } from './routes/auth.ts';
import { backOfficeRoutes } from './routes/back-office.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { epcisRoutes } from './routes/epcis.ts';
import { healthRoutes } from './routes/health.ts';
import { labelRoutes } from './routes/labels.ts';
import { orderConversationRoutes } from './routes/order-conversation.ts';
import { orderRoutes } from './routes/orders.ts';
import { portalStaticRoutes } from './routes/portal-static.ts';
import { stationRoutes } from './routes/stations.ts';
import { syncDownRoutes } from './routes/sync-down.ts';
import { syncRoutes } from './routes/sync.ts';
import { traceRoutes } from './routes/trace.ts';
import { SERVER_VERSION } from './version.ts';

export interface AppOptions {
  https: { key: string; cert: string };
  logger: FastifyInstance['log'] | false;
  /** Serve /metrics to requests bearing this token; without it, no /metrics. */
  metricsToken?: string | undefined;
}

/** The whole HTTP API as one Fastify instance that does not listen (server.ts does). */
export async function buildApp(
  context: ServerContext,
  options: AppOptions,
): Promise<FastifyInstance> {
  const app = Fastify({
    https: options.https,
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
  await app.register(stationRoutes(context));
  await app.register(syncRoutes(context));
  await app.register(syncDownRoutes(context));
  await app.register(backOfficeRoutes(context));
  await app.register(epcisRoutes(context));
  await app.register(traceRoutes(context));
  await app.register(dashboardRoutes(context));
  await app.register(labelRoutes(context));
  await app.register(portalStaticRoutes());
  return app;
}

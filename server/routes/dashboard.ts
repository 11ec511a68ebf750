import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  dashboardQuerySchema,
  dashboardSchema,
  seriesQuerySchema,
  seriesSchema,
} from '#core/api/back-office.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { dashboard } from '../back-office/dashboard.ts';
import { lineSeries } from '../back-office/line-series.ts';
import { errors } from './responses.ts';

export const dashboardRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.get(
      '/api/v1/dashboard',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            'The floor dashboard: units per hour per line, line stops, first-pass scan accuracy, orders by state',
          querystring: dashboardQuerySchema,
          response: { 200: dashboardSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor', 'customer_service');
        return dashboard(context, request.query.since);
      },
    );

    app.get(
      '/api/v1/dashboard/series',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            "A line's hourly time series: scans, line stops, units produced, packages packed and shipped",
          querystring: seriesQuerySchema,
          response: { 200: seriesSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor', 'customer_service');
        return lineSeries(context, request.query);
      },
    );
  };

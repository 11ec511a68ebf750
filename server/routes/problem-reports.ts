import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  PROBLEM_REPORT_BODY_LIMIT,
  problemReportBodySchema,
  problemReportListSchema,
  problemReportSchema,
} from '#core/api/problems.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { listProblemReports, problemPhoto, reportProblem } from '../orders/problem-reports.ts';
import { binary, errors, idParams } from './responses.ts';

const READERS = ['customer', 'customer_service', 'planner', 'supervisor'] as const;

/** Customers' problem reports on delivered orders, with photos (core/api/problems.ts). */
export const problemReportRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.post(
      '/api/v1/orders/:id/problems',
      {
        bodyLimit: PROBLEM_REPORT_BODY_LIMIT,
        schema: {
          tags: ['orders'],
          summary:
            'The customer reports a problem with a delivered order (damage, a missing item), with up to 3 photos; customer service gets it as an exception',
          params: idParams,
          body: problemReportBodySchema,
          response: { 200: problemReportSchema, ...errors(400, 401, 403, 404, 409, 413) },
        },
      },
      async (request) =>
        reportProblem(context, requireUser(request, 'customer'), request.params.id, request.body),
    );

    app.get(
      '/api/v1/orders/:id/problems',
      {
        schema: {
          tags: ['orders'],
          summary: 'The problems reported on an order, and until when a new one is taken',
          params: idParams,
          response: { 200: problemReportListSchema, ...errors(401, 403, 404) },
        },
      },
      async (request) =>
        listProblemReports(context, requireUser(request, ...READERS), request.params.id),
    );

    app.get(
      '/api/v1/problem-photos/:id',
      {
        schema: {
          tags: ['orders'],
          summary:
            'A photo of a problem report (JPEG or PNG), for its customer and the back office',
          params: idParams,
          response: { 200: binary('image/jpeg'), ...errors(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const photo = await problemPhoto(
          context,
          requireUser(request, ...READERS),
          request.params.id,
        );
        return reply
          .type(photo.type)
          .header('cache-control', 'private, max-age=3600')
          .header('content-disposition', 'inline')
          .send(photo.bytes);
      },
    );
  };

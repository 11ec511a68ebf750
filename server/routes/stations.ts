import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createLineBodySchema,
  createStationBodySchema,
  createStationResultSchema,
  enrollBodySchema,
  enrollResultSchema,
  lineRulesBodySchema,
  lineSchema,
  stationListSchema,
  stationSchema,
} from '#core/api/stations.ts';
import { STATION_ROLES } from '#core/orders/state-machine.ts';
import {
  pageQueryFields,
  searchTextSchema,
  timeRangeFields,
  toAfterFrom,
} from '#core/api/paging.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import {
  createLine,
  createStation,
  enrollStation,
  listLines,
  listStations,
  STATION_SORTS,
  STATION_STATUSES,
  reissueEnrollment,
  revokeStation,
  setLineRules,
} from '../stations/stations.ts';
import { errors, idParams } from './responses.ts';

export const stationRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/lines',
      {
        schema: {
          tags: ['stations'],
          response: { 200: z.object({ lines: z.array(lineSchema) }), ...errors(401) },
        },
      },
      async (request) => {
        requireUser(request);
        return { lines: await listLines(context) };
      },
    );

    app.post(
      '/api/v1/lines',
      {
        schema: {
          tags: ['stations'],
          body: createLineBodySchema,
          response: { 200: lineSchema, ...errors(400, 401, 403, 409) },
        },
      },
      async (request) =>
        createLine(context, requireUser(request, 'admin'), request.body.name, request.body.plant),
    );

    app.put(
      '/api/v1/lines/:id/rules',
      {
        schema: {
          tags: ['stations'],
          summary: "Set how the line's stations enforce unknown labels and operator log-in",
          params: idParams,
          body: lineRulesBodySchema,
          response: { 200: lineSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        setLineRules(context, requireUser(request, 'admin'), request.params.id, request.body),
    );

    app.get(
      '/api/v1/stations',
      {
        schema: {
          tags: ['stations'],
          summary:
            'Stations, one page at a time; filter by line, role, status, name (q) or time created (from, to)',
          querystring: z
            .strictObject({
              line: z.string().trim().min(1).max(64).optional(),
              role: z.enum(STATION_ROLES).optional(),
              status: z.enum(STATION_STATUSES).optional(),
              q: searchTextSchema,
              // When the station was created.
              ...timeRangeFields,
              ...pageQueryFields(STATION_SORTS),
            })
            .superRefine(toAfterFrom),
          response: { 200: stationListSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor');
        const { limit, cursor, sort, ...filters } = request.query;
        return listStations(context, filters, { limit, cursor, sort });
      },
    );

    app.post(
      '/api/v1/stations',
      {
        schema: {
          tags: ['stations'],
          summary: 'Create a station; answers a one-time enrollment code (shown once)',
          body: createStationBodySchema,
          response: { 200: createStationResultSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => createStation(context, requireUser(request, 'admin'), request.body),
    );

    app.post(
      '/api/v1/stations/:id/enrollment',
      {
        schema: {
          tags: ['stations'],
          summary: 'A new enrollment code; the old token stops working',
          params: idParams,
          response: { 200: createStationResultSchema, ...errors(401, 403, 404) },
        },
      },
      async (request) =>
        reissueEnrollment(context, requireUser(request, 'admin'), request.params.id),
    );

    app.post(
      '/api/v1/stations/:id/revoke',
      {
        schema: {
          tags: ['stations'],
          params: idParams,
          response: { 200: stationSchema, ...errors(401, 403, 404) },
        },
      },
      async (request) => revokeStation(context, requireUser(request, 'admin'), request.params.id),
    );

    app.post(
      '/api/v1/stations/enroll',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['sync'],
          summary:
            'A station trades its one-time enrollment code for its token and the certificate fingerprint to pin',
          body: enrollBodySchema,
          response: { 200: enrollResultSchema, ...errors(400, 429) },
        },
      },
      async (request) => enrollStation(context, request.body.code),
    );
  };

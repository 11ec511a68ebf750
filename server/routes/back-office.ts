import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderSchema, receiptBodySchema } from '#core/api/orders.ts';
import {
  auditListSchema,
  BADGE_ROLES,
  BADGE_SORTS,
  badgeListSchema,
  badgeSchema,
  createBadgeBodySchema,
  issuedBadgeSchema,
  EXCEPTION_KINDS,
  exceptionListSchema,
} from '#core/api/plant.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { BADGE_STATUSES, createBadge, revokeBadge, listBadges } from '../stations/badges.ts';
import { EXCEPTION_SORTS, listExceptions, resolveException } from '../back-office/exceptions.ts';
import { AUDIT_SORTS, listAudit } from '../auth/audit.ts';
import {
  pageQueryFields,
  searchTextSchema,
  timeRangeFields,
  toAfterFrom,
} from '#core/api/paging.ts';
import { recordReceipt } from '../orders/receipts.ts';
import { okSchema } from '#core/api/ok.ts';
import { errors, idParams } from './responses.ts';

export const backOfficeRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.get(
      '/api/v1/badges',
      {
        schema: {
          tags: ['stations'],
          summary:
            'Badges, one page at a time, without their codes; filter by role, status or name (q)',
          querystring: z.strictObject({
            role: z.enum(BADGE_ROLES).optional(),
            status: z.enum(BADGE_STATUSES).optional(),
            q: searchTextSchema,
            ...pageQueryFields(BADGE_SORTS),
          }),
          response: { 200: badgeListSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'supervisor', 'planner');
        const { limit, cursor, sort, ...filters } = request.query;
        return listBadges(context, filters, { limit, cursor, sort });
      },
    );

    app.post(
      '/api/v1/badges',
      {
        schema: {
          tags: ['stations'],
          summary:
            'Issue an operator or supervisor badge; every station learns it through sync. The only answer that carries its code',
          body: createBadgeBodySchema,
          response: { 200: issuedBadgeSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => createBadge(context, requireUser(request, 'admin'), request.body),
    );

    app.post(
      '/api/v1/badges/:badge/revoke',
      {
        schema: {
          tags: ['stations'],
          summary:
            'Revoke a badge (by its id, or its code): stations refuse it once they sync, and the server refuses events it signs after now',
          params: z.strictObject({ badge: z.string().trim().min(1).max(64) }),
          response: { 200: badgeSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => revokeBadge(context, requireUser(request, 'admin'), request.params.badge),
    );

    app.post(
      '/api/v1/receipts',
      {
        schema: {
          tags: ['orders'],
          summary: 'The customer confirms or rejects a package on arrival (scanned or typed code)',
          body: receiptBodySchema,
          response: { 200: orderSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => recordReceipt(context, requireUser(request, 'customer'), request.body),
    );

    app.get(
      '/api/v1/exceptions',
      {
        schema: {
          tags: ['exceptions'],
          summary:
            'Exceptions, one page at a time; filter by status, kind, order, station, words (q) or when recorded (from, to)',
          querystring: z
            .strictObject({
              status: z.enum(['open', 'cleared', 'resolved']).optional(),
              kind: z.enum(EXCEPTION_KINDS).optional(),
              order: z.string().trim().min(1).max(64).optional(),
              station: z.string().trim().min(1).max(64).optional(),
              q: searchTextSchema,
              ...timeRangeFields,
              ...pageQueryFields(EXCEPTION_SORTS),
            })
            .superRefine(toAfterFrom),
          response: {
            200: exceptionListSchema,
            ...errors(400, 401, 403),
          },
        },
      },
      async (request) => {
        requireUser(request, 'customer_service', 'planner', 'supervisor');
        const { limit, cursor, sort, ...filters } = request.query;
        return listExceptions(context, filters, { limit, cursor, sort });
      },
    );

    app.post(
      '/api/v1/exceptions/:id/resolve',
      {
        schema: {
          tags: ['exceptions'],
          params: idParams,
          body: z.strictObject({ note: z.string().trim().min(3).max(1000) }),
          response: { 200: okSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        await resolveException(
          context,
          requireUser(request, 'customer_service', 'planner', 'supervisor'),
          request.params.id,
          request.body.note,
        );
        return { ok: true as const };
      },
    );

    app.get(
      '/api/v1/audit',
      {
        schema: {
          tags: ['audit'],
          summary:
            'The audit log: every state change with who and when; filter by thing, who, action, words (q) or time (from, to)',
          querystring: z
            .strictObject({
              entity: z.string().max(32).optional(),
              entityId: z.string().max(64).optional(),
              /** Who: the email of a person or the name of a station. */
              actor: z.string().trim().min(1).max(200).optional(),
              action: z.string().trim().min(1).max(64).optional(),
              q: searchTextSchema,
              ...timeRangeFields,
              ...pageQueryFields(AUDIT_SORTS, { defaultLimit: 200, maxLimit: 1000 }),
            })
            .superRefine(toAfterFrom),
          response: {
            200: auditListSchema,
            ...errors(400, 401, 403),
          },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor');
        const { limit, cursor, sort, ...filters } = request.query;
        return listAudit(context, filters, { limit, cursor, sort });
      },
    );
  };

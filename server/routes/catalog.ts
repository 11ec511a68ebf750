import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  productInputSchema,
  productPatchSchema,
  productSchema,
  searchQuerySchema,
  searchResultSchema,
  similarAnswerSchema,
  similarQuerySchema,
} from '#core/api/catalog.ts';
import { idempotencyHeadersSchema } from '#core/api/idempotency.ts';
import type { ServerContext } from '../context.ts';
import { requireUser } from '../plugins/authentication.ts';
import { createProduct, getProduct, pageProducts, updateProduct } from '../catalog/catalog.ts';
import { similarAnswer } from '../catalog/similar.ts';
import { answerOnce } from './idempotent.ts';
import { errors } from './responses.ts';

export const catalogRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    app.get(
      '/api/v1/products',
      {
        schema: {
          tags: ['catalog'],
          summary:
            'Search the catalog (Chinese or English, by name, description or attribute), one page at a time; no q lists all; status=retired|all (staff) shows retired products; from, to: last changed',
          querystring: searchQuerySchema,
          response: { 200: searchResultSchema, ...errors(400, 401) },
        },
      },
      async (request) => {
        requireUser(request);
        const { q, status, from, to, ...page } = request.query;
        // Retired products are the back office's business: a customer sees what is sold.
        if (status !== 'active') requireUser(request, 'planner', 'customer_service');
        return pageProducts(context, q, status, page, { from, to });
      },
    );

    app.get(
      '/api/v1/products/similar',
      {
        schema: {
          tags: ['catalog'],
          summary:
            'Candidates for "similar to X, but…" with their reasons, without placing an order; X is a product code or words naming one',
          querystring: similarQuerySchema,
          response: { 200: similarAnswerSchema, ...errors(400, 401) },
        },
      },
      async (request) => {
        requireUser(request);
        const { similarTo, differences } = request.query;
        return similarAnswer(context, similarTo, differences);
      },
    );

    app.get(
      '/api/v1/products/:code',
      {
        schema: {
          tags: ['catalog'],
          params: z.strictObject({ code: z.string().max(32) }),
          response: { 200: productSchema, ...errors(401, 404) },
        },
      },
      async (request) => {
        requireUser(request);
        const { id: _id, ...product } = await getProduct(context.storage.db, request.params.code);
        return product;
      },
    );

    app.post(
      '/api/v1/products',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Add a product; it gets a new unique product code',
          headers: idempotencyHeadersSchema,
          body: productInputSchema,
          response: { 200: productSchema, ...errors(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const caller = requireUser(request, 'planner', 'customer_service');
        return answerOnce(context, request, reply, caller, (answered) =>
          createProduct(context, caller, request.body, answered),
        );
      },
    );

    app.patch(
      '/api/v1/products/:code',
      {
        schema: {
          tags: ['catalog'],
          summary:
            'Edit a product (names, descriptions, attributes, bill of materials) or retire it (retired: true) or sell it again (retired: false)',
          params: z.strictObject({ code: z.string().max(32) }),
          body: productPatchSchema,
          response: { 200: productSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        updateProduct(
          context,
          requireUser(request, 'planner', 'customer_service'),
          request.params.code,
          request.body,
        ),
    );
  };

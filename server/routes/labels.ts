import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  labelKindParamsSchema,
  labelPreviewBodySchema,
  labelTemplateEntrySchema,
  labelTemplateListSchema,
  labelTemplateSchema,
} from '#core/api/back-office.ts';
import { packageLabelDataSchema } from '#core/labels/label-data.ts';
import { readsChinese } from '#core/text/bilingual.ts';
import type { ServerContext } from '../context.ts';
import { packageLabelData } from '../labels/package-label-data.ts';
import { requireUser } from '../plugins/authentication.ts';
import {
  listTemplates,
  previewLabel,
  resetTemplate,
  resourceLabelsPdf,
  saveTemplate,
  unitLabelsPdf,
  type LabelLanguage,
} from '../labels/label-templates.ts';
import { binary, errors, idParams } from './responses.ts';

/** Binary answers: documented by media type; Fastify sends a Buffer as is, unserialised. */

const labelLanguageQuery = z.strictObject({ language: z.enum(['en', 'zh-CN']).optional() });

/** A browser's first language, when the link carries none: Chinese if it reads Chinese. */
const acceptedLabelLanguage = (header: string | undefined): LabelLanguage =>
  readsChinese(header?.split(',')[0]?.trim() ?? '') ? 'zh-CN' : 'en';

export const labelRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Who is asking comes before what they sent: an anonymous caller gets 401, not a schema lesson.
    app.addHook('preValidation', async (request) => void requireUser(request));

    for (const kind of ['resource', 'unit'] as const) {
      const batch = kind === 'resource' ? resourceLabelsPdf : unitLabelsPdf;
      app.get(
        `/api/v1/orders/:id/labels/${kind}s.pdf`,
        {
          schema: {
            tags: ['labels'],
            summary: `All ${kind} labels of a released order in one PDF, one label per page`,
            description:
              'Captions (Order, Step), material and step names in `language`; without it, in the first language of `Accept-Language` when that is Chinese, else English (docs/labels.md, "Language").',
            params: idParams,
            querystring: labelLanguageQuery,
            response: { 200: binary('application/pdf'), ...errors(400, 401, 403, 404, 409, 429) },
          },
        },
        async (request, reply) => {
          const caller = requireUser(request, 'planner');
          const language =
            request.query.language ?? acceptedLabelLanguage(request.headers['accept-language']);
          const { orderCode, pdf } = await batch(context, caller, request.params.id, language);
          return reply
            .type('application/pdf')
            .header('content-disposition', `inline; filename="${kind}s-${orderCode}.pdf"`)
            .send(pdf);
        },
      );
    }

    app.get(
      '/api/v1/orders/:code/packages/:number/label-data',
      {
        schema: {
          tags: ['labels'],
          summary:
            "A closed package's label data as the server holds it: SSCC, n of m, ship-to, contents (what `ordertrace label package --server` prints)",
          params: z.strictObject({
            code: z.string().min(1).max(64),
            number: z.coerce.number().int().min(1).max(9999),
          }),
          response: { 200: packageLabelDataSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor');
        return packageLabelData(context, request.params.code, request.params.number);
      },
    );

    app.get(
      '/api/v1/labels/templates',
      {
        schema: {
          tags: ['labels'],
          summary: 'The label template of each kind: the plant’s own, or the default',
          response: { 200: labelTemplateListSchema, ...errors(401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'planner', 'supervisor');
        return { templates: await listTemplates(context) };
      },
    );

    app.put(
      '/api/v1/labels/templates/:kind',
      {
        schema: {
          tags: ['labels'],
          summary: 'Replace the template of a label kind (validated: fields, sizes, overlaps)',
          params: labelKindParamsSchema,
          body: labelTemplateSchema,
          response: { 200: labelTemplateEntrySchema, ...errors(400, 401, 403) },
        },
      },
      async (request) =>
        saveTemplate(context, requireUser(request, 'admin'), request.params.kind, request.body),
    );

    app.delete(
      '/api/v1/labels/templates/:kind',
      {
        schema: {
          tags: ['labels'],
          summary: 'Go back to the default template of a label kind',
          params: labelKindParamsSchema,
          response: { 200: labelTemplateEntrySchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => resetTemplate(context, requireUser(request, 'admin'), request.params.kind),
    );

    app.post(
      '/api/v1/labels/preview',
      {
        schema: {
          tags: ['labels'],
          summary: 'A template filled with sample (or given) data, as PNG',
          body: labelPreviewBodySchema,
          response: { 200: binary('image/png'), ...errors(400, 401, 403, 429) },
        },
      },
      async (request, reply) => {
        requireUser(request, 'planner');
        return reply.type('image/png').send(await previewLabel(request.body));
      },
    );
  };

import { z } from 'zod';
import { errorBodySchema } from '#core/api/errors.ts';

/** The error responses a route can give, each with the one error body schema. */
export const errors = (...statuses: (400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429)[]) =>
  Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;

export const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A binary answer (a PDF, an image) in a route's response schema. */
export const binary = (mediaType: string) => z.instanceof(Buffer).describe(`${mediaType} bytes`);

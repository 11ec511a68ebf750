import { z } from 'zod';
import { emailSchema } from './auth.ts';
import { submitOrderBodySchema } from './orders.ts';

/*
 * Order intake for ERPs and web shops (docs/integration.md): many orders in one call, each
 * keyed by the sender's own id, so sending the same batch again creates nothing twice.
 */
export const MAX_INTAKE_ORDERS = 200;

export const externalIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** One order as the sender describes it: the customer by email, the order as a customer places it. */
export const intakeOrderSchema = submitOrderBodySchema.extend({
  externalId: externalIdSchema,
  customer: emailSchema,
});
export type IntakeOrder = z.input<typeof intakeOrderSchema>;

/**
 * The envelope is checked as a whole; each order is then checked on its own, so one bad
 * order gets its own answer and the others still go in.
 */
export const intakeBodySchema = z.strictObject({
  orders: z
    .array(z.looseObject({ externalId: externalIdSchema }))
    .min(1)
    .max(MAX_INTAKE_ORDERS),
});

export const intakeResultSchema = z.object({
  externalId: z.string(),
  /** created now; existing: this id came before (nothing created); rejected: see error. */
  status: z.enum(['created', 'existing', 'rejected']),
  order: z.object({ id: z.string(), code: z.string().nullable(), state: z.string() }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type IntakeResult = z.infer<typeof intakeResultSchema>;

export const intakeResponseSchema = z.object({ results: z.array(intakeResultSchema) });

import { z } from 'zod';
import { ORDER_STATES } from '../orders/state-machine.ts';
import { codeOf } from '../events/station-events.ts';
import { candidateSchema, similarToSchema } from './catalog.ts';
import { nextCursorField } from './paging.ts';

const productCode = codeOf('product');
/**
 * The most units one order may hold, over all its lines (docs/api.md "Limits"). Release
 * mints a code and a label for every unit and every resource item, in one transaction;
 * a larger run is several orders.
 */
export const MAX_UNITS_PER_ORDER = 10_000;

const quantity = z
  .number()
  .int()
  .min(1)
  .max(MAX_UNITS_PER_ORDER, `at most ${MAX_UNITS_PER_ORDER} units an order; split a larger run`);

/** A line names a product, or a similar product and what should differ. */
export const orderLineInputSchema = z.union([
  z.strictObject({ product: productCode, quantity }),
  z.strictObject({
    similarTo: similarToSchema,
    differences: z.string().trim().min(3, 'describe what should differ').max(2000),
    quantity,
  }),
]);
export type OrderLineInput = z.infer<typeof orderLineInputSchema>;

export const submitOrderBodySchema = z.strictObject({
  lines: z
    .array(orderLineInputSchema)
    .min(1)
    .max(100)
    .refine((lines) => lines.reduce((sum, line) => sum + line.quantity, 0) <= MAX_UNITS_PER_ORDER, {
      error: `at most ${MAX_UNITS_PER_ORDER} units an order over all its lines; split a larger run`,
    }),
  shipTo: z.string().trim().min(5).max(500),
  customerReference: z.string().trim().max(100).default(''),
  carrier: z.string().trim().max(100).default(''),
});
export type SubmitOrderBody = z.input<typeof submitOrderBodySchema>;

export const orderLineSchema = z.object({
  position: z.number(),
  quantity: z.number(),
  product: z.string().nullable(),
  similarTo: z.string().nullable(),
  differences: z.string(),
  candidates: z.array(candidateSchema),
});

export const progressStepSchema = z.object({
  step: z.string(),
  /** The step's Chinese name from the bill of materials; '' when none is given. */
  stepZh: z.string().default(''),
  unitsDone: z.number(),
  unitsOrdered: z.number(),
  updatedAt: z.string(),
});

export const packageViewSchema = z.object({
  code: z.string(),
  sscc: z.string().nullable(),
  number: z.number(),
  of: z.number().nullable(),
  closedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  receipt: z.enum(['confirmed', 'rejected']).nullable(),
  receiptReason: z.string().nullable(),
  /** How many of the order's units were packed into it (what the customer should find inside). */
  units: z.number(),
});

/** The order's completeness (core/orders/completeness.ts), as the portal shows it. */
export const completenessViewSchema = z.object({
  materials: z.array(
    z.object({
      step: z.string(),
      resourceType: z.string(),
      materialName: z.string(),
      materialNameZh: z.string().optional(),
      stepZh: z.string().optional(),
      required: z.number(),
      consumed: z.number(),
    }),
  ),
  materialsComplete: z.boolean(),
  units: z.object({ expected: z.number(), packed: z.number(), remaining: z.number() }),
  packages: z.object({
    expected: z.number().nullable(),
    closed: z.number(),
    dispatched: z.number(),
    remaining: z.number().nullable(),
  }),
});
export type CompletenessView = z.infer<typeof completenessViewSchema>;

export const MESSAGE_KINDS = ['message', 'proposal', 'accepted', 'declined'] as const;

/** One entry of the conversation on an order, as both its customer and customer service see it. */
export const orderMessageSchema = z.object({
  id: z.string(),
  /** The line a proposal or answer is about. */
  position: z.number().nullable(),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string(),
  product: z.object({ code: z.string(), nameEn: z.string(), nameZh: z.string() }).nullable(),
  /** The proposal an answer answers. */
  proposal: z.string().nullable(),
  /** A proposal not answered yet: the customer can accept or decline it. */
  open: z.boolean(),
  author: z.object({ name: z.string(), role: z.string() }),
  createdAt: z.string(),
});
export type OrderMessage = z.infer<typeof orderMessageSchema>;

export const messageBodySchema = z.strictObject({
  text: z.string().trim().min(1, 'write a message').max(2000),
});

export const proposeBodySchema = z.strictObject({
  position: z.number().int().min(1),
  product: productCode,
  text: z.string().trim().max(2000).default(''),
});

export const answerProposalBodySchema = z.strictObject({
  accept: z.boolean(),
  text: z.string().trim().max(2000).default(''),
});

export const orderSchema = z.object({
  id: z.string(),
  code: z.string().nullable(),
  state: z.enum(ORDER_STATES),
  heldFrom: z.enum(ORDER_STATES).nullable(),
  /** Why the order is on hold, as staff wrote it (null when it is not held). */
  holdReason: z.string().nullable(),
  /**
   * A cancelled order's cancel: when, why, whether its customer made it, and until when it
   * can be undone (`POST /orders/:id/undo-cancel`); null for an order that is not cancelled.
   */
  cancellation: z
    .object({
      at: z.string(),
      reason: z.string(),
      byCustomer: z.boolean(),
      undoUntil: z.string(),
    })
    .nullable(),
  customer: z.object({ id: z.string(), name: z.string() }),
  customerReference: z.string(),
  shipTo: z.string(),
  carrier: z.string(),
  line: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lines: z.array(orderLineSchema),
  progress: z.array(progressStepSchema),
  packages: z.array(packageViewSchema),
  /** Once released, on a single order's answers: what is expected and what is done. */
  completeness: completenessViewSchema.optional(),

  messages: z.array(orderMessageSchema),
});
export type OrderView = z.infer<typeof orderSchema>;

export const orderListSchema = z.object({ orders: z.array(orderSchema), ...nextCursorField });

export const orderRefSchema = z.strictObject({ id: z.string().min(1).max(64) });

export const chooseBodySchema = z.strictObject({
  /** One choice per line that awaits one: the candidate's product code, or null for "none of these". */
  choices: z
    .array(z.strictObject({ position: z.number().int().min(1), product: productCode.nullable() }))
    .min(1)
    .max(100),
});

export const resolveBodySchema = z.strictObject({
  choices: z
    .array(z.strictObject({ position: z.number().int().min(1), product: productCode }))
    .min(1)
    .max(100),
});

export const releaseBodySchema = z.strictObject({ line: z.string().min(1).max(64) });
export const reasonBodySchema = z.strictObject({ reason: z.string().trim().min(3).max(500) });

export const resourceViewSchema = z.object({
  code: z.string(),
  resourceType: z.string(),
  materialName: z.string(),
  /** Chinese names; '' when the bill of materials gave none. */
  materialNameZh: z.string().default(''),
  step: z.string(),
  stepZh: z.string().default(''),
  consumedAt: z.string().nullable(),
});
export const releaseResultSchema = z.object({
  order: orderSchema,
  resources: z.array(resourceViewSchema),
  units: z.array(z.string()),
});

/** What the live progress feed sends, each time anything about the order changes. */
export const liveUpdateSchema = z.object({ order: orderSchema, at: z.string() });

export const receiptBodySchema = z.discriminatedUnion('verdict', [
  z.strictObject({ verdict: z.literal('confirm'), package: z.string().trim().min(1).max(64) }),
  z.strictObject({
    verdict: z.literal('reject'),
    package: z.string().trim().min(1).max(64),
    reason: z.string().trim().min(3).max(500),
  }),
]);
export type ReceiptBody = z.infer<typeof receiptBodySchema>;

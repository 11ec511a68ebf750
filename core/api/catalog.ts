import { z } from 'zod';
import { nextCursorField, pageQueryFields, timeRangeFields, toAfterFrom } from './paging.ts';

/** Attribute values a product can carry: "material": "oak", "width_cm": 120. */
export const attributesSchema = z
  .record(z.string().min(1).max(40), z.union([z.string().max(200), z.number().finite()]))
  .refine((attributes) => Object.keys(attributes).length <= 40, 'at most 40 attributes');

/**
 * One line of a bill of materials. `resourceType`, `materialName` and `step` are the English
 * names (the type is also what a station counts consumed resources by, the step its key in
 * progress reports); `resourceTypeZh`, `materialNameZh` and `stepZh` the Chinese ones, ''
 * when none was given (screens then show the English name).
 */
export const bomItemSchema = z.strictObject({
  resourceType: z.string().trim().min(1).max(60),
  resourceTypeZh: z.string().trim().max(60).default(''),
  materialName: z.string().trim().min(1).max(200),
  materialNameZh: z.string().trim().max(200).default(''),
  quantityPerUnit: z.number().int().min(1).max(10_000),
  step: z.string().trim().min(1).max(60),
  stepZh: z.string().trim().max(60).default(''),
});
export type BomItem = z.infer<typeof bomItemSchema>;

export const productInputSchema = z.strictObject({
  nameEn: z.string().trim().min(1).max(200),
  nameZh: z.string().trim().min(1).max(200),
  descriptionEn: z.string().trim().max(2000).default(''),
  descriptionZh: z.string().trim().max(2000).default(''),
  attributes: attributesSchema.default({}),
  bom: z.array(bomItemSchema).min(1, 'a product needs a bill of materials').max(100),
});
export type ProductInput = z.input<typeof productInputSchema>;

/**
 * An edit: any of the input's fields (a bill of materials given replaces the whole list),
 * and `retired` to stop selling the product (true) or sell it again (false).
 */
export const productPatchSchema = z
  .strictObject({
    nameEn: productInputSchema.shape.nameEn.optional(),
    nameZh: productInputSchema.shape.nameZh.optional(),
    descriptionEn: z.string().trim().max(2000).optional(),
    descriptionZh: z.string().trim().max(2000).optional(),
    attributes: attributesSchema.optional(),
    bom: productInputSchema.shape.bom.optional(),
    retired: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');
export type ProductPatch = z.infer<typeof productPatchSchema>;

export const productSchema = z.object({
  code: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
  descriptionEn: z.string(),
  descriptionZh: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])),
  bom: z.array(bomItemSchema),
  /** When it was retired: no longer sold, still on the orders that had it. */
  retiredAt: z.string().nullable(),
  /**
   * An order with the product was released: its bill of materials is what stations check
   * scans against, so it can no longer change (names in Chinese still can); a copy can.
   */
  bomFixed: z.boolean(),
});
export type Product = z.infer<typeof productSchema>;

export const PRODUCT_SORTS = ['relevance', 'code', 'name'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Which products a list shows: those sold (the default), retired ones, or both. */
export const PRODUCT_STATUSES = ['active', 'retired', 'all'] as const;

export const searchQuerySchema = z
  .strictObject({
    q: z.string().trim().max(200).default(''),
    status: z.enum(PRODUCT_STATUSES).default('active'),
    // The product's last change (created, edited, retired or sold again).
    ...timeRangeFields,
    ...pageQueryFields(PRODUCT_SORTS, { defaultLimit: 10, maxLimit: 50 }),
  })
  .superRefine(toAfterFrom);

export const searchHitSchema = z.object({ product: productSchema, score: z.number() });
export const searchResultSchema = z.object({ hits: z.array(searchHitSchema), ...nextCursorField });
export type SearchHit = z.infer<typeof searchHitSchema>;

/** Why a candidate was offered or lacks: "walnut ✓", "120 cm ✗", in both languages. */
export const reasonSchema = z.object({ en: z.string(), zh: z.string(), met: z.boolean() });
export type Reason = z.infer<typeof reasonSchema>;

export const candidateSchema = z.object({
  product: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
  score: z.number(),
  /** Absent on candidates offered before reasons existed. */
  reasons: z.array(reasonSchema).optional(),
});
export type Candidate = z.infer<typeof candidateSchema>;

/** X of "similar to X, but…": a product code, or words naming one ("the oak dining table 160"). */
export const similarToSchema = z.string().trim().min(1, 'name the product it is like').max(200);

export const similarQuerySchema = z.strictObject({
  similarTo: similarToSchema,
  differences: z.string().trim().max(2000).default(''),
});

export const productSummarySchema = z.object({
  code: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
});

export const similarAnswerSchema = z.object({
  similar: productSummarySchema,
  /** Products that meet the whole request, best first; empty: it goes to customer service. */
  candidates: z.array(candidateSchema),
  /** When nothing meets it: the closest products and what each lacks. */
  closest: z.array(candidateSchema),
});
export type SimilarAnswer = z.infer<typeof similarAnswerSchema>;

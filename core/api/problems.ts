import { z } from 'zod';
import { plainText } from '../text/plain-text.ts';

/*
 * A customer's problem with a delivered order (docs/portal.md "Reporting a problem"): what
 * is wrong, in their words, with up to three photos. It reaches customer service as an
 * exception of kind `customer_problem`. Reports are taken for PROBLEM_REPORT_DAYS after
 * the last package was received.
 */
export const PROBLEM_KINDS = ['damaged', 'missing_item', 'wrong_item', 'other'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export const PROBLEM_REPORT_DAYS = 30;
export const MAX_PROBLEM_PHOTOS = 3;
/** One photo, decoded. The portal scales photos down to fit before sending them. */
export const MAX_PROBLEM_PHOTO_BYTES = 1024 * 1024;
/** The request body: three photos in base64 (4 bytes for 3) and the words around them. */
export const PROBLEM_REPORT_BODY_LIMIT =
  Math.ceil((MAX_PROBLEM_PHOTOS * MAX_PROBLEM_PHOTO_BYTES * 4) / 3) + 64 * 1024;

export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const problemReportBodySchema = z.strictObject({
  kind: z.enum(PROBLEM_KINDS),
  description: plainText({ multiline: true }).trim().min(3).max(2000),
  /** Photos as base64 (JPEG or PNG: the server reads the type from the bytes, not a claim). */
  photos: z
    .array(
      z
        .base64()
        .max(
          Math.ceil((MAX_PROBLEM_PHOTO_BYTES * 4) / 3) + 4,
          `a photo may be ${MAX_PROBLEM_PHOTO_BYTES / 1024 / 1024} MiB at most`,
        ),
    )
    .max(MAX_PROBLEM_PHOTOS, `${MAX_PROBLEM_PHOTOS} photos at most`)
    .default([]),
});
export type ProblemReportBody = z.infer<typeof problemReportBodySchema>;

export const problemReportSchema = z.object({
  id: z.string(),
  order: z.string(),
  kind: z.enum(PROBLEM_KINDS),
  description: z.string(),
  photos: z.array(z.object({ id: z.string(), type: z.enum(PHOTO_TYPES), bytes: z.number() })),
  /** The exception customer service works it as. */
  exception: z.string(),
  createdAt: z.string(),
});
export type ProblemReport = z.infer<typeof problemReportSchema>;

export const problemReportListSchema = z.object({
  reports: z.array(problemReportSchema),
  /** Until when a new report is taken (ISO time), or null when the order takes none. */
  reportableUntil: z.string().nullable(),
});
export type ProblemReportList = z.infer<typeof problemReportListSchema>;

import { z } from 'zod';
import { COMPANY_PREFIX_PATTERN, SSCC_BLOCK_SIZE } from '../gs1/sscc-blocks.ts';

/*
 * A packing station asks the server for SSCC reference blocks (POST /api/v1/sync/sscc-blocks)
 * during sync. It names what it still holds, so a server restored from an older backup
 * learns of blocks it handed out after that backup and never hands them out again.
 */
export const heldSsccBlockSchema = z.strictObject({
  companyPrefix: z
    .string()
    .regex(COMPANY_PREFIX_PATTERN, 'a GS1 company prefix has 6 to 12 digits'),
  first: z.number().int().nonnegative(),
  count: z.number().int().min(1).max(SSCC_BLOCK_SIZE),
  /** The next reference the station will use; first + count when the block is used up. */
  next: z.number().int().nonnegative(),
});
export type HeldSsccBlock = z.infer<typeof heldSsccBlockSchema>;

export const ssccBlockRequestSchema = z.strictObject({
  protocol: z.number().int(),
  held: z.array(heldSsccBlockSchema).max(100),
});
export type SsccBlockRequest = z.infer<typeof ssccBlockRequestSchema>;

export const ssccBlockSchema = z.object({
  companyPrefix: z.string(),
  first: z.number().int().nonnegative(),
  count: z.number().int().positive(),
});

export const ssccBlockResponseSchema = z.object({
  /** The server's GS1 company prefix; null: none configured, packages get no SSCC. */
  companyPrefix: z.string().nullable(),
  /** Blocks handed out by this answer (none while the station holds enough). */
  granted: z.array(ssccBlockSchema),
});
export type SsccBlockResponse = z.infer<typeof ssccBlockResponseSchema>;

import { z } from 'zod';
import { nextCursorField } from './paging.ts';
import { saidFields } from './messages.ts';

/*
 * Back-office lists the server answers and the portal shows: exceptions, badges, the audit
 * log. One schema each, for both ends.
 */
export const EXCEPTION_KINDS = [
  'line_stop',
  'conflict',
  'receipt_rejected',
  // A station event the server stored but did not apply (core/api/sync.ts REJECTION_KINDS).
  'event_rejected',
  'out_of_scope',
  'clock_skew',
  'unknown_badge',
  /** A supervisor let an incomplete step go on (a scrapped part, a short shipment). */
  'override',
  /** A customer reported a problem with a delivered order (core/api/problems.ts). */
  'customer_problem',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const exceptionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  order: z.string().nullable(),
  station: z.string().nullable(),
  event: z.string().nullable(),
  /** The station's sequence number of that event. */
  seq: z.number().nullable(),
  /** In English, for logs and integrators; people read `messageKey` with `params`. */
  description: z.string(),
  ...saidFields,
  /** open → cleared (a supervisor at the station) or resolved (someone in the back office). */
  status: z.string(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ExceptionView = z.infer<typeof exceptionSchema>;
export const exceptionListSchema = z.object({
  exceptions: z.array(exceptionSchema),
  ...nextCursorField,
});

/** What a badge lets its holder do at a station; the one list (replicated rows, API, UIs). */
export const BADGE_ROLES = ['operator', 'supervisor'] as const;
export type BadgeRole = (typeof BADGE_ROLES)[number];
/**
 * A badge as lists show it: no code. The code is a credential (a station logs its holder
 * in with it), so the server answers it once, when the badge is issued (issuedBadgeSchema).
 */
export const badgeSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(BADGE_ROLES),
  issuedAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type BadgeView = z.infer<typeof badgeSchema>;
/** The answer to issuing a badge: the only one that carries its code. */
export const issuedBadgeSchema = badgeSchema.extend({ code: z.string() });
export type IssuedBadge = z.infer<typeof issuedBadgeSchema>;
export const BADGE_SORTS = ['name', 'newest'] as const;
export const badgeListSchema = z.object({ badges: z.array(badgeSchema), ...nextCursorField });
export const createBadgeBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(BADGE_ROLES),
});

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  detail: z.unknown(),
});
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema), ...nextCursorField });

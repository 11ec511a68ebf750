import { z } from 'zod';
import { stationEventSchema } from '../events/station-events.ts';
import { FINISHED_STEP } from '../orders/completeness.ts';

/*
 * The sync protocol between stations and the server (docs/sync.md). Every request names the
 * protocol version it speaks; the server serves SUPPORTED_PROTOCOLS and answers any other
 * with OT_ERR_PROTOCOL rather than guessing.
 */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

export const MAX_PUSH_EVENTS = 1000;
/**
 * The largest push body in bytes (docs/api.md "Limits"). The station batches its outbox to
 * fit (station/sync/push.ts); the server refuses a larger one with 413 before reading it.
 * The largest single event (a package of 10,000 units) is about a quarter of it.
 */
export const MAX_PUSH_BYTES = 1024 * 1024;

export const pushRequestSchema = z.strictObject({
  protocol: z.number().int(),
  /** Events waiting in the station's outbox, for the back office's station list (a claim: bounded). */
  outboxDepth: z.number().int().nonnegative().max(100_000_000),
  events: z.array(stationEventSchema).min(1).max(MAX_PUSH_EVENTS),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/**
 * Why the server stored an event without applying it (docs/sync.md "The server's checks").
 * Each is raised as an exception of the same kind; the push acknowledges past it.
 */
export const REJECTION_KINDS = [
  /** The event contradicts the order's state or completeness, or could not be applied. */
  'event_rejected',
  /** Another line's order, or an event this station's role never records. */
  'out_of_scope',
  /** The station's clock is further from the server's than the bound allows. */
  'clock_skew',
  /** The operator or supervisor badge is not issued, revoked, or of the wrong role. */
  'unknown_badge',
] as const;
export const rejectionKindSchema = z.enum(REJECTION_KINDS);
export type RejectionKind = z.infer<typeof rejectionKindSchema>;

export const pushResultSchema = z.object({
  id: z.string(),
  seq: z.number(),
  /**
   * `accepted`: stored and applied. `rejected`: stored, not applied, raised as an exception
   * (`kind` says why). `conflict`: not stored, the sequence is held with another event.
   */
  status: z.enum(['accepted', 'duplicate', 'rejected', 'conflict']),
  kind: rejectionKindSchema.optional(),
  reason: z.string().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  results: z.array(pushResultSchema),
  /** Highest n such that the server holds this station's events 1..n, from its own tables. */
  ackedThrough: z.number().int().nonnegative(),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** The progress step that means "units finished": reporting it complete makes the order produced. */
export { FINISHED_STEP };

export const REPLICATED_ENTITIES = [
  'order',
  'resource',
  'unit',
  'package',
  'badge',
  'line',
] as const;
export const replicatedEntitySchema = z.enum(REPLICATED_ENTITIES);
export type ReplicatedEntity = z.infer<typeof replicatedEntitySchema>;

/** One change, as pulled: the entity's whole replicated row, or null data for a delete. */
export const changeSchema = z.object({
  id: z.number().int().positive(),
  entity: replicatedEntitySchema,
  key: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type Change = z.infer<typeof changeSchema>;

export const MAX_PULL_LIMIT = 5000;

export const pullQuerySchema = z.strictObject({
  protocol: z.coerce.number().int(),
  after: z.coerce.number().int().nonnegative(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(1000),
});

export const pullResponseSchema = z.object({
  changes: z.array(changeSchema),
  /** Apply the changes, then store this as the new cursor, in one transaction. */
  cursor: z.number().int().nonnegative(),
  /** More changes wait after this batch: pull again at once. */
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/*
 * The snapshot is NDJSON, streamed: a header line, one line per row, and an end line with
 * the checksums the station must arrive at. Every row is as of `cursor`.
 */
export const snapshotHeaderSchema = z.object({
  type: z.literal('header'),
  protocol: z.number().int(),
  cursor: z.number().int().nonnegative(),
  /** Rows to expect, for progress. */
  rows: z.number().int().nonnegative(),
  entities: z.array(replicatedEntitySchema),
});
export const snapshotRowSchema = z.object({
  entity: replicatedEntitySchema,
  key: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
});
export const scopeChecksumSchema = z.object({
  rows: z.number().int().nonnegative(),
  sum: z.number().int().nonnegative(),
});
export const checksumsSchema = z.partialRecord(replicatedEntitySchema, scopeChecksumSchema);
export type Checksums = z.infer<typeof checksumsSchema>;
export const snapshotEndSchema = z.object({ type: z.literal('end'), checksums: checksumsSchema });

export const snapshotQuerySchema = z.strictObject({
  protocol: z.coerce.number().int(),
  /** Only these entities (repairing a diverged scope); all when absent. */
  entity: z
    .union([replicatedEntitySchema, z.array(replicatedEntitySchema)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .optional(),
});

export const checksumsResponseSchema = z.object({
  cursor: z.number().int().nonnegative(),
  checksums: checksumsSchema,
});

/**
 * What the live channel sends (SSE event `changes`): every change of the station's scope in
 * (after, cursor], the rows exactly as a pull returns them. A station whose cursor is at
 * least `after` applies them and moves to `cursor`; one below `after` missed something and
 * pulls (docs/sync.md, live). One text per scope, shared by every station in it.
 */
export const liveChangesSchema = z
  .object({
    after: z.number().int().nonnegative(),
    cursor: z.number().int().nonnegative(),
    changes: z.array(changeSchema),
  })
  .refine((range) => range.after <= range.cursor, 'after must not exceed cursor')
  .refine(
    (range) =>
      range.changes.every(
        (change, index) =>
          change.id > range.after &&
          change.id <= range.cursor &&
          (index === 0 || change.id > (range.changes[index - 1]?.id ?? 0)),
      ),
    'changes must lie in (after, cursor], in id order',
  );
export type LiveChanges = z.infer<typeof liveChangesSchema>;

/**
 * A prebuilt replica of the station's scope (docs/sync.md "Bootstrap from a database file"):
 * the station's own SQLite schema with every row as of `cursor`, gzip-compressed. `sha256`
 * and `bytes` are of the compressed file, as downloaded.
 */
export const replicaFileManifestSchema = z.object({
  cursor: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  rawBytes: z.number().int().positive(),
  schemaVersion: z.number().int().positive(),
  builtAt: z.string(),
});
export type ReplicaFileManifest = z.infer<typeof replicaFileManifestSchema>;

/**
 * The answer (202, with Retry-After) while the scope's replica file is still being built: the
 * station asks again after `retryAfterMs`; `rows` written so far is its progress to show.
 */
export const replicaFileBuildingSchema = z.object({
  building: z.literal(true),
  startedAt: z.string(),
  rows: z.number().int().nonnegative(),
  retryAfterMs: z.number().int().positive(),
});
export type ReplicaFileBuilding = z.infer<typeof replicaFileBuildingSchema>;

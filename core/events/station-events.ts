import { z } from 'zod';
import { parseCode, withArticle, type CodeKind } from '../codes/formats.ts';
import { UUID_PATTERN } from '../ids/uuid-v7.ts';
import { STATION_ROLES } from '../orders/state-machine.ts';

/*
 * The facts a station records (DESIGN.md "Station rules" and "Sync"). One schema per event,
 * shared by the station (which writes them to its outbox), the server (which ingests them)
 * and the UI (which shows them). Every decision carries both codes, the station, the
 * operator, the time and the verdict.
 */

/** A valid Ordertrace code of the given kind(s). */
export function codeOf(...kinds: CodeKind[]) {
  return z.string().superRefine((text, context) => {
    const parsed = parseCode(text);
    if (!parsed.valid) context.addIssue({ code: 'custom', message: parsed.error });
    else if (!kinds.includes(parsed.kind)) {
      context.addIssue({
        code: 'custom',
        message: `expected ${withArticle(kinds.join(' or '))} code, got ${withArticle(parsed.kind)} code`,
      });
    }
  });
}

export const stationRoleSchema = z.enum(STATION_ROLES);

/** What the station answered to one scan. `accepted` is the only one that changes anything. */
export const VERDICTS = [
  'accepted',
  /** A resource or unit of another order: the line stops. */
  'line_stop',
  /** The scan failed its check character or could not be read. */
  'misread',
  /** A well-formed code the replica does not know. */
  'unknown',
  'already_consumed',
  /** The right order, but a material its bill of materials does not call for (or no more of it). */
  'wrong_material',
  /** The order's state does not allow this scan here (held, cancelled, not released…). */
  'wrong_state',
  /** Scanned while the line is stopped: refused until a supervisor clears it. */
  'line_stopped',
  /** A package of another order, or a package the dispatch does not expect. */
  'wrong_order',
  /** A code of a kind this step does not take (a badge at a resource scan, say). */
  'wrong_kind',
] as const;
export const verdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof verdictSchema>;

/** Raw scanner text, kept as read (control characters and all) for the audit trail. */
const scannedText = z.string().max(512);
const isoTime = z.iso.datetime({ offset: true });
const orderCode = codeOf('order');
const badgeCode = codeOf('badge');

const scanDecided = z.object({
  type: z.literal('scan.decided'),
  role: stationRoleSchema,
  /** The order the station was working on, if any. */
  currentOrder: orderCode.nullable(),
  scanned: scannedText,
  /** The order the scanned code belongs to, where it names one. */
  scannedOrder: orderCode.nullable(),
  verdict: verdictSchema,
  reason: z.string().max(500),
});

const orderLoaded = z.object({ type: z.literal('order.loaded'), order: orderCode });

const lineCleared = z.object({
  type: z.literal('line.cleared'),
  supervisor: badgeCode,
  reason: z.string().trim().min(3).max(500),
});

const progressReported = z.object({
  type: z.literal('progress.reported'),
  order: orderCode,
  step: z.string().min(1).max(100),
  unitsDone: z.number().int().nonnegative(),
  unitsOrdered: z.number().int().positive(),
});

const packageClosed = z.object({
  type: z.literal('package.closed'),
  order: orderCode,
  package: codeOf('package'),
  sscc: z
    .string()
    .regex(/^[0-9]{18}$/)
    .nullable(),
  units: z.array(codeOf('unit')).min(1).max(10_000),
  number: z.number().int().positive(),
  of: z.number().int().positive(),
});

const labelPrinted = z.object({
  type: z.literal('label.printed'),
  code: codeOf('package', 'resource', 'unit'),
  /** Set on a reprint: why the first label was not good enough. */
  reprintReason: z.string().min(3).max(500).nullable(),
});

const packageDispatched = z.object({
  type: z.literal('package.dispatched'),
  order: orderCode,
  package: codeOf('package'),
  carrier: z.string().max(100).nullable(),
});

export const stationEventBodySchema = z.discriminatedUnion('type', [
  scanDecided,
  orderLoaded,
  lineCleared,
  progressReported,
  packageClosed,
  labelPrinted,
  packageDispatched,
]);
export type StationEventBody = z.infer<typeof stationEventBodySchema>;
export type StationEventType = StationEventBody['type'];

/** The envelope every station event travels in, from outbox to server. */
export const stationEventSchema = z.object({
  /** Client-made UUIDv7: time-ordered, the server's idempotency key with (station, seq). */
  id: z.string().regex(UUID_PATTERN, 'expected a UUIDv7'),
  stationId: z.string().min(1).max(64),
  /** Per-station sequence number, 1, 2, 3… without gaps. */
  seq: z.number().int().positive(),
  /** The operator's badge, null before anyone has logged in. */
  operator: badgeCode.nullable(),
  /** The station's clock when it decided; the server records its own beside it. */
  stationTime: isoTime,
  body: stationEventBodySchema,
});
export type StationEvent = z.infer<typeof stationEventSchema>;

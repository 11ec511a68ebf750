import { z } from 'zod';
import { parseCode, withArticle, type CodeKind } from '../codes/formats.ts';
import { UUID_PATTERN } from '../ids/uuid-v7.ts';
import { STATION_ROLES } from '../orders/state-machine.ts';
import { plainText } from '../text/plain-text.ts';

/*
 * What an accepted scan changes (docs/architecture.md points here). Every scan, whatever its
 * verdict, is a `scan.decided` event: on the station one outbox row (db/outbox.ts) and a line
 * in "last scans", pushed later (station/sync/push.ts); on the server one `events` row
 * (server/station-events/ingest.ts), read by the trace, the dashboard and the EPCIS export.
 * Beyond that, by the effect the station's rule chose:
 *
 * | effect         | on the station (same transaction as the outbox row)        | on the server (server/station-events/batch-ingest.ts)                    |
 * | -------------- | ---------------------------------------------------------- | ------------------------------------------------------------------------ |
 * | `load_order`   | work state: the order is loaded (packing and shipping lists emptied); an `order.loaded` event follows | nothing more                                                             |
 * | `consume`      | replica: the resource consumed locally (db/local-effects.ts) | the resource consumed (by whom, by which event), its row to the line's stations; a released order goes in_production (audit, order row, `order.state_changed`); the order's live feeds told |
 * | `gather_unit`  | work state: the unit joins the package being gathered      | nothing more (the `package.closed` event packs it)                       |
 * | `verify_label` | work state: the closed package's label is scanned back     | nothing more                                                             |
 * | `scan_package` | work state: the package joins what the dock will dispatch  | nothing more (the `package.dispatched` event moves it)                   |
 *
 * The station's side is station/service/work-state.ts (`workAfter`) and db/local-effects.ts;
 * a `line_stop` verdict is no accepted scan: it stops the line at the station (work state,
 * stack light) and raises a line-stop exception on the server.
 *
 * The facts a station records (docs/design.md "Station rules" and "Sync"). One schema per event,
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

/**
 * Scanner text as read, for the audit trail, with control characters made visible (`<GS>`,
 * core/text/plain-text.ts `visibleText`): nothing downstream decides on it.
 */
const scannedText = plainText().max(1024);
/** A sentence: no control characters, so it stores alike on SQLite and PostgreSQL. */
const sentence = (max: number) => plainText().max(max);
const isoTime = z.iso.datetime({ offset: true });
const orderCode = codeOf('order');
const badgeCode = codeOf('badge');

/**
 * What an accepted scan changed, as the station decided it: the one fact the replica, the
 * server and EPCIS apply. They never re-read the scanned text.
 */
export const scanEffectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('load_order'), order: orderCode }),
  z.object({ kind: z.literal('consume'), resource: codeOf('resource') }),
  z.object({ kind: z.literal('gather_unit'), unit: codeOf('unit'), order: orderCode }),
  z.object({ kind: z.literal('verify_label'), package: codeOf('package') }),
  z.object({ kind: z.literal('scan_package'), package: codeOf('package'), order: orderCode }),
]);
export type ScanEffect = z.infer<typeof scanEffectSchema>;

/**
 * A supervisor's word that a step may go on although it is incomplete (a scrapped part, a
 * short shipment agreed with the customer). Recorded on the event; the server raises it as
 * an exception the back office sees and the trace shows.
 */
export const overrideSchema = z.object({
  supervisor: badgeCode,
  reason: sentence(500).trim().min(3),
});
export type Override = z.infer<typeof overrideSchema>;

const scanDecided = z.object({
  type: z.literal('scan.decided'),
  role: stationRoleSchema,
  /** The order the station was working on, if any. */
  currentOrder: orderCode.nullable(),
  scanned: scannedText,
  /** The normalised code the rule decided on (parseScan's `code`), when the scan was one. */
  code: sentence(64).nullish(),
  /** The order the scanned code belongs to, where it names one. */
  scannedOrder: orderCode.nullable(),
  verdict: verdictSchema,
  reason: sentence(500),
  /** What the scan changed: set exactly when the verdict is `accepted` and it changed something. */
  effect: scanEffectSchema.nullish(),
});

const orderLoaded = z.object({ type: z.literal('order.loaded'), order: orderCode });

const lineCleared = z.object({
  type: z.literal('line.cleared'),
  supervisor: badgeCode,
  reason: sentence(500).trim().min(3),
});

const progressReported = z.object({
  type: z.literal('progress.reported'),
  order: orderCode,
  step: sentence(100).min(1),
  unitsDone: z.number().int().nonnegative().max(10_000_000),
  /** The units that go through this step: of the order lines whose bill names it. */
  unitsOrdered: z.number().int().positive().max(10_000_000),
  /** Set when the step was reported although materials were missing. */
  override: overrideSchema.nullish(),
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
  number: z.number().int().positive().max(99_999_999),
  /**
   * How many packages the order has: known when its last package closes (then `of` equals
   * `number`), null for a package closed while units of the order are still to pack.
   */
  of: z.number().int().positive().max(99_999_999).nullable(),
  /** Set when the last package closed with units missing (a short shipment agreed). */
  override: overrideSchema.nullish(),
});

const labelPrinted = z.object({
  type: z.literal('label.printed'),
  code: codeOf('package', 'resource', 'unit'),
  /** Set on a reprint: why the first label was not good enough. */
  reprintReason: sentence(500).min(3).nullable(),
});

const packageDispatched = z.object({
  type: z.literal('package.dispatched'),
  order: orderCode,
  package: codeOf('package'),
  carrier: sentence(100).nullable(),
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
  stationId: sentence(64).min(1),
  /** Per-station sequence number, 1, 2, 3… without gaps. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** The operator's badge; null only where the line does not require a logged-in operator. */
  operator: badgeCode.nullable(),
  /** The station's clock when it decided; the server records its own beside it. */
  stationTime: isoTime,
  body: stationEventBodySchema,
});
export type StationEvent = z.infer<typeof stationEventSchema>;

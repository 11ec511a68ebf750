import { z } from 'zod';
import { saidFields } from './messages.ts';
import { codeOf } from '../events/station-events.ts';
import { LABEL_KINDS } from '../labels/label-fields.ts';
import { labelTemplateSchema } from '../labels/template-schema.ts';
import { ORDER_STATES } from '../orders/state-machine.ts';

/*
 * The back office's wire schemas (issue 8): EPCIS export, traceability, the floor
 * dashboard and label templates. The server validates and serialises with them; the portal
 * imports the same schemas and infers its types from them.
 */
const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time with offset' });

// ---------------------------------------------------------------- EPCIS export

export const epcisQuerySchema = z.strictObject({
  order: codeOf('order').optional(),
  /** Events that happened at or after this time (EPCIS query GE_eventTime). */
  since: isoTime.optional(),
  /** Events that happened before this time (EPCIS query LT_eventTime). */
  until: isoTime.optional(),
});
export type EpcisQuery = z.infer<typeof epcisQuerySchema>;

/** One EPCIS event in JSON-LD: its keys are open (CBV fields plus `ordertrace:` extensions). */
export const epcisEventSchema = z.record(z.string(), z.unknown());

/**
 * An EPCISDocument (EPCIS 2.0 JSON/JSON-LD binding). The shape here is what the portal relies on; the full
 * conformance check is GS1's JSON Schema, which the tests run on every export.
 */
export const epcisDocumentSchema = z.object({
  '@context': z.array(z.union([z.string(), z.record(z.string(), z.string())])),
  id: z.string(),
  type: z.literal('EPCISDocument'),
  schemaVersion: z.literal('2.0'),
  creationDate: z.string(),
  epcisBody: z.object({ eventList: z.array(epcisEventSchema) }),
});
export type EpcisDocument = z.infer<typeof epcisDocumentSchema>;

// ---------------------------------------------------------------- traceability

export const TRACE_KINDS = ['order', 'resource', 'unit', 'package', 'sscc'] as const;

export const traceParamsSchema = z.strictObject({ code: z.string().trim().min(1).max(64) });

export const traceEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  station: z.object({ id: z.string(), name: z.string(), role: z.string(), line: z.string() }),
  /** The operator's badge and the name it was issued to (null when no one was logged in). */
  operator: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  stationTime: z.string(),
  serverTime: z.string(),
  verdict: z.string().nullable(),
  /** The event as the station sent it. */
  body: z.record(z.string(), z.unknown()),
  /** The event names the traced code (scanned it, packed it, dispatched it). */
  mentionsCode: z.boolean(),
  /** `rejected`: the server stored it but did not apply it (`rejection` says why). */
  outcome: z.enum(['applied', 'rejected']),
  rejection: z.string().nullable(),
});
export type TraceEvent = z.infer<typeof traceEventSchema>;

export const traceResourceSchema = z.object({
  code: z.string(),
  serial: z.number(),
  resourceType: z.string(),
  materialName: z.string(),
  /** Chinese names; '' when the bill of materials gave none. */
  materialNameZh: z.string().default(''),
  step: z.string(),
  stepZh: z.string().default(''),
  consumedAt: z.string().nullable(),
  consumedBy: z.string().nullable(),
  consumedEvent: z.string().nullable(),
});

export const tracePackageSchema = z.object({
  code: z.string(),
  sscc: z.string().nullable(),
  number: z.number(),
  /** The order's package count, once its last package closed. */
  of: z.number().nullable(),
  units: z.array(z.string()),
  closedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  dispatchedBy: z.string().nullable(),
  receipt: z.enum(['confirmed', 'rejected']).nullable(),
  receiptReason: z.string().nullable(),
  receiptAt: z.string().nullable(),
});

export const traceSchema = z.object({
  /** What the code was read as, and the code it names (an SSCC resolves to its package). */
  query: z.object({ code: z.string(), kind: z.enum(TRACE_KINDS), resolved: z.string() }),
  order: z.object({
    id: z.string(),
    code: z.string(),
    state: z.enum(ORDER_STATES),
    customer: z.object({ id: z.string(), name: z.string() }),
    customerReference: z.string(),
    line: z.string().nullable(),
    createdAt: z.string(),
  }),
  /** Every resource allocated to the order: from a resource, these are its siblings. */
  resources: z.array(traceResourceSchema),
  units: z.array(
    z.object({ code: z.string(), serial: z.number(), package: z.string().nullable() }),
  ),
  packages: z.array(tracePackageSchema),
  /** Station events about the order (or scanning its codes elsewhere), oldest first. */
  events: z.array(traceEventSchema),
  /** Line stops, conflicts and rejected receipts raised about the order. */
  exceptions: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      description: z.string(),
      ...saidFields,
      status: z.string(),
      event: z.string().nullable(),
      resolutionNote: z.string().nullable(),
      resolvedBy: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  /** The order's own history from the audit log: who moved it, when. */
  history: z.array(
    z.object({
      at: z.string(),
      /** As the audit log has it: `user:<email>`, `station:<name>` or `system:<name>`. */
      actor: z.string(),
      /** Who that is, for people: a user's name (their email if gone), a station's name. */
      by: z.object({ kind: z.enum(['user', 'station', 'system']), name: z.string() }),
      action: z.string(),
      detail: z.unknown(),
    }),
  ),
});
export type Trace = z.infer<typeof traceSchema>;

// ---------------------------------------------------------------- dashboard

export const dashboardQuerySchema = z.strictObject({
  /** Start of the window; 7 days before now when absent. */
  since: isoTime.optional(),
});

const rateSchema = z.object({
  attempts: z.number().int(),
  firstPass: z.number().int(),
  /** firstPass / attempts, null when there were no attempts. */
  rate: z.number().nullable(),
});

export const dashboardSchema = z.object({
  since: z.string(),
  until: z.string(),
  /** Finished units per line per clock hour (UTC), from finished-step progress reports. */
  unitsPerHour: z.array(z.object({ line: z.string(), hour: z.string(), units: z.number() })),
  /** Line stops per line per day (UTC). */
  lineStops: z.array(z.object({ line: z.string(), day: z.string(), stops: z.number() })),
  /** See server/back-office/dashboard.ts for the definition. */
  firstPassAccuracy: rateSchema.extend({
    byLine: z.array(rateSchema.extend({ line: z.string() })),
  }),
  /** Every order state with its current count (not limited to the window). */
  ordersByState: z.array(z.object({ state: z.enum(ORDER_STATES), count: z.number() })),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** What the dashboard's time series counts per bucket (see server/back-office/line-series.ts). */
export const SERIES_MEASURES = ['scans', 'stops', 'produced', 'packed', 'shipped'] as const;
export type SeriesMeasure = (typeof SERIES_MEASURES)[number];

const HOUR_MS = 3_600_000;
/** The longest range one series answers: 31 days of hourly buckets. */
export const SERIES_MAX_HOURS = 31 * 24;

export const seriesQuerySchema = z
  .strictObject({
    line: z.string().trim().min(1, 'a line name').max(64),
    from: isoTime,
    to: isoTime,
    bucket: z.enum(['hour'], { error: 'the only bucket is hour' }).default('hour'),
  })
  .superRefine((query, context) => {
    const hours = (Date.parse(query.to) - Date.parse(query.from)) / HOUR_MS;
    if (!(hours > 0)) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    } else if (hours > SERIES_MAX_HOURS) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `at most ${SERIES_MAX_HOURS} hours (31 days) from from`,
      });
    }
  });
export type SeriesQuery = z.infer<typeof seriesQuerySchema>;

export const seriesSchema = z.object({
  line: z.string(),
  /** The first bucket's start and the end of the last (UTC hours, from rounded down, to up). */
  from: z.string(),
  to: z.string(),
  bucket: z.literal('hour'),
  /** Every hour of the range in order, with zeros where nothing happened. */
  buckets: z.array(
    z.object({
      start: z.string(),
      scans: z.number().int(),
      stops: z.number().int(),
      produced: z.number().int(),
      packed: z.number().int(),
      shipped: z.number().int(),
    }),
  ),
});
export type Series = z.infer<typeof seriesSchema>;

// ---------------------------------------------------------------- labels

export const labelKindParamsSchema = z.strictObject({ kind: z.enum(LABEL_KINDS) });

export const labelTemplateEntrySchema = z.object({
  kind: z.enum(LABEL_KINDS),
  /** The plant's own template; false means the built-in default is in use. */
  custom: z.boolean(),
  template: labelTemplateSchema,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export const labelTemplateListSchema = z.object({ templates: z.array(labelTemplateEntrySchema) });

export { labelTemplateSchema };

/**
 * The largest preview, in pixels (docs/labels.md): a 100×150 mm label at 600 dpi is 8.4
 * million; 300×1000 mm at 600 dpi would be 167 million and seconds of CPU. Preview a large
 * label at a lower dpi.
 */
export const MAX_PREVIEW_PIXELS = 20_000_000;

/** Width × height in pixels of a label of `widthMm` × `heightMm` rendered at `dpi`. */
export const previewPixels = (widthMm: number, heightMm: number, dpi: number) =>
  Math.round((widthMm / 25.4) * dpi) * Math.round((heightMm / 25.4) * dpi);

export const labelPreviewBodySchema = z
  .strictObject({
    template: labelTemplateSchema,
    /** Label data of the template's kind; sample data of that kind when absent. */
    data: z.record(z.string(), z.unknown()).optional(),
    dpi: z.number().int().min(72).max(600).optional(),
  })
  .superRefine(({ template, dpi = template.dpi }, ctx) => {
    const pixels = previewPixels(template.widthMm, template.heightMm, dpi);
    if (pixels > MAX_PREVIEW_PIXELS) {
      const most = Math.floor(Math.sqrt(MAX_PREVIEW_PIXELS / pixels) * dpi);
      ctx.addIssue({
        code: 'custom',
        path: ['dpi'],
        message: `a ${template.widthMm}×${template.heightMm} mm preview at ${dpi} dpi would be ${(pixels / 1e6).toFixed(0)} million pixels; at most ${MAX_PREVIEW_PIXELS / 1e6} million (${most} dpi or less for this size)`,
      });
    }
  });
export type LabelPreviewBody = z.infer<typeof labelPreviewBodySchema>;

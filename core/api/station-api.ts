import { z } from 'zod';
import { lineStopConfigSchema } from '../devices/line-stop-config.ts';
import { printerConfigSchema } from '../devices/printer-config.ts';
import { scannerConfigSchema } from '../devices/scanner-config.ts';
import type { StationRole } from '../orders/state-machine.ts';
import type { BadgeRole } from './plant.ts';
import type { Verdict } from '../events/station-events.ts';

/*
 * The StationApi contract (docs/station.md): one schema per command, shared by the station
 * service (which validates every call with it), the browser transport, the Electron main
 * process and the UI (which imports only core/). Types are inferred from the schemas.
 */

/** Far above any real scan: longer text still reaches the rules and is refused as a misread, not lost. */
const MAX_COMMAND_SCAN = 65_536;
const codeText = z.string().trim().max(64);
const reasonText = z.string().trim().min(3).max(500);
const none = z.strictObject({});
/** A supervisor's badge and reason, for letting an incomplete step go on. */
const overrideInput = z.strictObject({ badge: codeText, reason: reasonText });

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const stationSettingsSchema = z.strictObject({
  scanner: scannerConfigSchema.nullable(),
  printer: printerConfigSchema,
  lineStop: lineStopConfigSchema,
  language: z.enum(LANGUAGES),
  kiosk: z.boolean(),
});
export type StationSettings = z.infer<typeof stationSettingsSchema>;

export const stationCommandSchemas = {
  state: none,
  login: z.strictObject({ badge: codeText }),
  logout: none,
  loadOrder: z.strictObject({ order: codeText }),
  scan: z.strictObject({ text: z.string().max(MAX_COMMAND_SCAN) }),
  reportProgress: z.strictObject({
    step: z.string().trim().min(1).max(100),
    unitsDone: z.number().int().nonnegative().max(1_000_000),
    /** Finish although materials are missing (a scrapped part): a supervisor's badge and why. */
    override: overrideInput.optional(),
  }),
  /**
   * Close the gathered units into a package. With units of the order still to pack it closes
   * only when `partial` says so (the order stays in packing), or as the last package with a
   * supervisor's `override` (a short shipment agreed with the customer).
   */
  closePackage: z.strictObject({
    partial: z.boolean().optional(),
    override: overrideInput.optional(),
  }),
  print: z.strictObject({ package: codeText }),
  /** Packing: print one unit's label (a lost or damaged one), as typed or scanned. */
  printUnitLabel: z.strictObject({ unit: codeText }),
  /** The image of the last label this station sent to its printer (state.lastLabel says which). */
  labelPreview: none,
  reprint: z.strictObject({ package: codeText, reason: reasonText }),
  /**
   * Production: units done through a step, held for a grace period (`pendingUnits` in the
   * state) before they are recorded as one `progress.reported`; `undoUnits` drops them.
   */
  addUnits: z.strictObject({
    step: z.string().trim().min(1).max(100),
    units: z.number().int().positive().max(10_000),
  }),
  undoUnits: z.strictObject({ step: z.string().trim().min(1).max(100) }),
  dispatch: none,
  dismissBlock: none,
  // Without a badge: the supervisor badge scanned at the station (never shown to the page).
  clearLineStop: z.strictObject({ badge: codeText.optional(), reason: reasonText }),
  saveSettings: stationSettingsSchema.partial().strict(),
  testDevice: z.strictObject({ device: z.enum(['scanner', 'printer', 'lineStop']) }),
} as const;

export type StationCommandName = keyof typeof stationCommandSchemas;
export const STATION_COMMANDS = Object.keys(stationCommandSchemas) as StationCommandName[];
export type StationCommandInput<K extends StationCommandName> = z.input<
  (typeof stationCommandSchemas)[K]
>;
export type StationCommandArgs<K extends StationCommandName> = z.output<
  (typeof stationCommandSchemas)[K]
>;

/** Every sentence the station shows, by key: the UI translates each (en, zh-CN). */
export const MESSAGE_KEYS = [
  'job_card_loaded',
  'resource_consumed',
  'resource_other_order',
  'misread',
  'unknown_code',
  'already_consumed',
  'not_in_bom',
  'bom_complete',
  'order_state',
  'line_stopped',
  'no_order_loaded',
  'wrong_kind',
  'unit_gathered',
  'unit_other_order',
  'unit_packed_already',
  'verify_label_first',
  'label_verified',
  'label_mismatch',
  'package_scanned',
  'package_other_order',
  'package_dispatched_already',
  'package_scanned_already',
  'sscc_unknown',
  'badge_unknown',
  'badge_revoked',
  'supervisor_badge_read',
  'order_loaded',
  // Command refusals.
  'invalid_input',
  'not_supervisor',
  'nothing_to_close',
  'dispatch_incomplete',
  'dispatch_blocked',
  'print_failed',
  'wrong_role',
  'device_failed',
  'device_ok',
  'not_stopped',
  // Completeness and the guarantees (docs/station.md).
  'operator_required',
  'unknown_label',
  'replica_stale',
  'materials_missing',
  'units_missing',
  'package_partial',
  'package_count_unknown',
  'override_recorded',
  'local_api_locked',
  'supervisor_required',
  // Feedback on what just happened (docs/station.md "Feedback").
  'logged_in',
  'dispatched',
  'line_cleared',
  'units_undone',
  'units_too_many',
  'nothing_to_undo',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];
export interface Message {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** One scan and what the station answered. */
export interface Decision {
  seq: number;
  at: string;
  verdict: Verdict;
  scanned: string;
  scannedOrder: string | null;
  message: Message;
  /** Not a scan: the line stop was cleared (by whom); shown among the last scans. */
  cleared?: { supervisor: string };
}

export interface OrderSummary {
  code: string;
  state: string;
  shipTo: string;
  carrier: string | null;
  customerReference: string | null;
  unitsOrdered: number;
  packageCount: number;
  products: { nameEn: string; nameZh: string; quantity: number }[];
  /** Per step and material: how many the order needs and how many are consumed. */
  materials: {
    resourceType: string;
    materialName: string;
    /** Chinese names when the bill of materials gives them (else the screen shows English). */
    materialNameZh?: string;
    step: string;
    stepZh?: string;
    required: number;
    consumed: number;
  }[];
  steps: string[];
  /** The Chinese name of each step that has one. */
  stepNamesZh: Record<string, string>;
  /** The units that go through each step (those of the order lines whose bill names it). */
  stepUnits: Record<string, number>;
  materialsComplete: boolean;
}

/**
 * What a device's status says, by key (the station UI words it in its language): the drivers'
 * sentences are English, for logs and the English screen's detail.
 */
export const DEVICE_STATUS_KEYS = [
  'scanner_none',
  'scanner_wedge',
  'scanner_connecting',
  'scanner_connected',
  'scanner_waiting',
  'scanner_error',
  'scanner_closed',
  'printer_not_opened',
  'printer_dry_run',
  'printer_ready',
  'printer_problem',
  'printer_printed',
  'line_stop_not_opened',
  'line_stop_ready',
  'line_stop_signal',
  'line_stop_problem',
  'device_unavailable',
] as const;
export type DeviceStatusKey = (typeof DEVICE_STATUS_KEYS)[number];

/**
 * A device's status: `said` by key and parameters (`device`: its configured kind, `problem`:
 * a device error's code, `signal`: the stack light's), `message` the driver's English sentence.
 */
export interface DeviceStatus {
  kind: string;
  ok: boolean;
  message: string;
  said: { key: DeviceStatusKey; params: Record<string, string | number> };
}

export interface SyncSummary {
  link: 'live' | 'polling' | 'offline' | 'stopped';
  ready: boolean;
  outboxDepth: number;
  oldestAgeMs: number | null;
  lastError: string | null;
  /** Bootstrap progress; `building`: the server is still building the replica file (total unknown). */
  snapshot: { loaded: number; total: number; building?: boolean } | null;
}

export interface StationState {
  station: { id: string; name: string; role: StationRole; line: string; serverUrl: string };
  /** Who is logged in; the badge code is recorded with each event, never shown to the page. */
  operator: { name: string; role: BadgeRole } | null;
  /**
   * Nobody is logged in and the line wants operators known: the station refuses work until a
   * badge is scanned, so the screen offers none (a button offered must not be refused).
   */
  badgeNeeded: boolean;
  order: OrderSummary | null;
  lineStop: {
    since: string;
    scanned: string;
    scannedOrder: string | null;
    /** The material the scanned label is for, when the replica knows it. */
    material: { name: string; nameZh: string; step: string; stepZh: string } | null;
    /** The order loaded at the station when the line stopped. */
    order: string | null;
    /** Who scanned a supervisor badge for the clearance; the badge code stays in the station. */
    supervisor: { name: string } | null;
  } | null;
  /** Units done per step of the current order (recorded). */
  progress: Record<string, number>;
  /** Units done but not recorded yet: undoable until `commitAt`, then recorded once. */
  pendingUnits: { step: string; units: number; commitAt: string }[];
  packing: {
    units: string[];
    awaitingVerify: { package: string; number: number; of: number | null } | null;
    packagesClosed: number;
    /** Units of the loaded order: all, packed so far (here and elsewhere), still to pack. */
    unitsExpected: number;
    unitsPacked: number;
    unitsRemaining: number;
  };
  shipping: {
    scanned: string[];
    /** Packages of the loaded order still to leave (0 while the count is unknown). */
    expected: number;
    /** The same, null while the order's package count is not known. */
    packagesRemaining: number | null;
    blocked: Message | null;
  };
  lastScans: Decision[];
  /** The last label sent to the printer (its image: the `labelPreview` command). */
  lastLabel: PrintedLabel | null;
  sync: SyncSummary;
  devices: { scanner: DeviceStatus; printer: DeviceStatus; lineStop: DeviceStatus };
  settings: StationSettings;
}

/** A label the station sent to its printer: which, and in what format. */
export interface PrintedLabel {
  /** Counts up with every label printed since the station started. */
  id: number;
  kind: 'package' | 'unit';
  code: string;
  /** The print job's English title (the spooler's queue shows it). */
  title: string;
  /** The same title by key, for the screen (`label_title_package`, `label_title_unit`). */
  titleSaid: LabelTitle;
  format: 'pdf' | 'zpl';
  at: string;
}

/** A label's title by key: package n of m of an order, or a unit of an order. */
export type LabelTitle =
  | { key: 'label_title_package'; params: { number: number; of: number | string; order: string } }
  | { key: 'label_title_unit'; params: { unit: string; order: string } };

/** The label as printed, drawn from the same layout as the document the printer got. */
export interface LabelPreview extends PrintedLabel {
  /** SVG in millimetres, text as outlines (no font needed to show it). */
  svg: string;
}

export type CommandReply =
  | {
      ok: true;
      state: StationState;
      decision?: Decision;
      note?: Message;
      preview?: LabelPreview | null;
    }
  | { ok: false; error: Message & { detail?: string } };

/** What the station streams: each decision (for the verdict screen) and every new state. */
export type StationStreamEvent =
  | { type: 'verdict'; decision: Decision }
  | { type: 'state'; state: StationState }
  /** A scan refused before any decision (nobody logged in): shown, not recorded. */
  | { type: 'notice'; message: Message; ok?: boolean };

/** The typed call surface both transports implement (and the Electron preload exposes). */
export type StationBridge = {
  [K in StationCommandName]: (input: StationCommandInput<K>) => Promise<CommandReply>;
};

/** The verdict's colour on the floor: green goes on, red stops, amber asks for attention. */
export function verdictTone(verdict: Verdict): 'green' | 'red' | 'amber' {
  if (verdict === 'accepted') return 'green';
  if (verdict === 'line_stop' || verdict === 'line_stopped' || verdict === 'wrong_order')
    return 'red';
  return 'amber';
}

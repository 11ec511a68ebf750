import type {
  Decision,
  OrderSummary,
  StationSettings,
  StationState,
  SyncSummary,
} from '#core/api/station-api.ts';
import type { OutboxStatus } from '#db/outbox.ts';
import type { SyncStatus } from '../sync/sync-client.ts';
import { orderCompleteness, type ReplicaLookup } from '../rules/replica-lookup.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import type { WorkState } from './work-state.ts';

/** What the UI is shown: the work state read against the replica, devices and sync. */
export interface StateSources {
  work: WorkState;
  /** operator-gate.ts badgeNeeded: no work offered until a badge logs in. */
  badgeNeeded: boolean;
  lastScans: Decision[];
  pendingUnits: StationState['pendingUnits'];
  lastLabel: StationState['lastLabel'];
  settings: StationSettings;
  identity: StationState['station'];
  replica: ReplicaLookup;
  outbox: OutboxStatus;
  sync: SyncStatus | undefined;
  devices: StationState['devices'];
}

/** The material a line-stopping label is for, when the replica has its row. */
function materialOf(
  scanned: string,
  replica: ReplicaLookup,
): NonNullable<StationState['lineStop']>['material'] {
  const parsed = parseScan(scanned);
  const resource = parsed.valid ? replica.resource(parsed.code) : undefined;
  if (!resource) return null;
  const { materialName, materialNameZh, step, stepZh } = resource;
  return { name: materialName, nameZh: materialNameZh, step, stepZh };
}

function syncSummary(outbox: OutboxStatus, sync: SyncStatus | undefined): SyncSummary {
  return {
    link: sync?.link ?? 'stopped',
    ready: sync?.ready ?? true,
    outboxDepth: outbox.depth,
    oldestAgeMs: outbox.oldestAgeMs,
    lastError: sync?.lastError ?? null,
    snapshot: sync?.snapshot ?? null,
  };
}

/** The order as a station shows it: products, materials consumed of required per step, the steps. */
export function orderSummary(code: string | null, replica: ReplicaLookup): OrderSummary | null {
  const order = code ? replica.order(code) : undefined;
  if (!code || !order) return null;
  const model = orderCompleteness(order, replica);
  return {
    code,
    state: order.state,
    shipTo: order.shipTo,
    carrier: order.carrier,
    customerReference: order.customerReference,
    unitsOrdered: order.unitsOrdered,
    packageCount: model.packages.expected ?? 0,
    products: order.lines.map(({ nameEn, nameZh, quantity }) => ({ nameEn, nameZh, quantity })),
    materials: model.materials,
    steps: model.steps.map((s) => s.step),
    stepNamesZh: Object.fromEntries(
      model.steps.flatMap((s) => (s.stepZh ? [[s.step, s.stepZh]] : [])),
    ),
    stepUnits: Object.fromEntries(model.steps.map((s) => [s.step, s.units])),
    materialsComplete: model.materialsComplete,
  };
}

export function stationState(sources: StateSources): StationState {
  const { work, replica } = sources;
  const order = work.order;
  const record = order ? replica.order(order) : undefined;
  const model = record ? orderCompleteness(record, replica) : undefined;
  return {
    station: sources.identity,
    // Badge codes are credentials: the page gets names (docs/security.md).
    operator: work.operator && { name: work.operator.name, role: work.operator.role },
    badgeNeeded: sources.badgeNeeded,
    order: orderSummary(order, replica),
    lineStop: work.lineStop && {
      since: work.lineStop.since,
      scanned: work.lineStop.scanned,
      scannedOrder: work.lineStop.scannedOrder,
      material: materialOf(work.lineStop.scanned, replica),
      // A stop saved before the order was kept with it: the order loaded now is the same.
      order: work.lineStop.order ?? order,
      supervisor: work.lineStop.supervisorBadge
        ? { name: replica.badge(work.lineStop.supervisorBadge)?.name ?? '' }
        : null,
    },
    progress: (order && work.progress[order]) || {},
    pendingUnits: sources.pendingUnits,
    packing: {
      units: work.packing.units,
      awaitingVerify: work.packing.awaitingVerify,
      packagesClosed: model?.packages.closed ?? 0,
      unitsExpected: model?.units.expected ?? 0,
      unitsPacked: model?.units.packed ?? 0,
      unitsRemaining: model?.units.remaining ?? 0,
    },
    shipping: {
      scanned: work.shipping.scanned,
      expected: model?.packages.remaining ?? 0,
      packagesRemaining: model ? model.packages.remaining : null,
      blocked: work.shipping.blocked,
    },
    lastScans: sources.lastScans,
    lastLabel: sources.lastLabel,
    sync: syncSummary(sources.outbox, sources.sync),
    devices: { ...sources.devices },
    settings: sources.settings,
  };
}

import type {
  Decision,
  OrderSummary,
  StationSettings,
  StationState,
  SyncSummary,
} from '#core/api/station-api.ts';
import { FINISHED_STEP } from '#core/api/sync.ts';
import type { OutboxStatus } from '#db/outbox.ts';
import type { SyncStatus } from '../sync/sync-client.ts';
import { requiredOf, type ReplicaLookup } from '../rules/replica-lookup.ts';
import { expectedPackages } from '../rules/shipping.ts';
import type { WorkState } from './work-state.ts';

/** What the UI is shown: the work state read against the replica, devices and sync. */
export interface StateSources {
  work: WorkState;
  lastScans: Decision[];
  settings: StationSettings;
  identity: StationState['station'];
  replica: ReplicaLookup;
  outbox: OutboxStatus;
  sync: SyncStatus | undefined;
  devices: StationState['devices'];
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

/** The order as a station shows it: products, materials consumed of required, the steps. */
export function orderSummary(code: string | null, replica: ReplicaLookup): OrderSummary | null {
  const order = code ? replica.order(code) : undefined;
  if (!code || !order) return null;
  const materials = new Map<string, OrderSummary['materials'][number]>();
  for (const line of order.lines)
    for (const item of line.bom)
      if (!materials.has(item.resourceType))
        materials.set(item.resourceType, {
          resourceType: item.resourceType,
          materialName: item.materialName,
          step: item.step,
          required: requiredOf(order, item.resourceType),
          consumed: replica.consumedOf(code, item.resourceType),
        });
  const steps = [...new Set([...materials.values()].map((m) => m.step)), FINISHED_STEP];
  return {
    code,
    state: order.state,
    shipTo: order.shipTo,
    carrier: order.carrier,
    customerReference: order.customerReference,
    unitsOrdered: order.unitsOrdered,
    packageCount: order.packageCount,
    products: order.lines.map(({ nameEn, nameZh, quantity }) => ({ nameEn, nameZh, quantity })),
    materials: [...materials.values()],
    steps,
  };
}

export function stationState(sources: StateSources): StationState {
  const { work, replica } = sources;
  const order = work.order;
  return {
    station: sources.identity,
    operator: work.operator,
    order: orderSummary(order, replica),
    lineStop: work.lineStop,
    progress: (order && work.progress[order]) || {},
    packing: {
      units: work.packing.units,
      awaitingVerify: work.packing.awaitingVerify,
      packagesClosed: order ? replica.closedPackageNumbers(order).length : 0,
    },
    shipping: {
      scanned: work.shipping.scanned,
      expected: order ? expectedPackages(order, replica) : 0,
      blocked: work.shipping.blocked,
    },
    lastScans: sources.lastScans,
    sync: syncSummary(sources.outbox, sources.sync),
    devices: { ...sources.devices },
    settings: sources.settings,
  };
}

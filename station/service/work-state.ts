import type { Message, StationState } from '#core/api/station-api.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { Outcome } from '../rules/outcome.ts';

/*
 * What the station is doing, beyond the replica: who is logged in, the order loaded, a line
 * stop, units gathered, packages scanned for dispatch. Kept in the replica's meta and written
 * in the same transaction as the decision that changed it, so a restart (or a power cut)
 * comes back to exactly what the operator last saw: above all, a line stop stays stopped.
 */
export interface WorkState {
  /** The badge code stays here, in the station; the page gets the name (state-view.ts). */
  operator: (NonNullable<StationState['operator']> & { code: string }) | null;
  order: string | null;
  lineStop:
    | (Omit<NonNullable<StationState['lineStop']>, 'supervisor' | 'material'> & {
        supervisorBadge: string | null;
      })
    | null;
  /** Units done per step, per order. */
  progress: Record<string, Record<string, number>>;
  /**
   * Units done but held back for a grace period (held-units.ts): each entry is recorded once,
   * in the same transaction that removes it from here, or dropped by an undo.
   */
  heldUnits: HeldUnitsEntry[];
  packing: {
    units: string[];
    awaitingVerify: { package: string; number: number; of: number | null } | null;
  };
  shipping: { scanned: string[]; blocked: Message | null };
}

export interface HeldUnitsEntry {
  order: string;
  step: string;
  units: number;
  /** Who tapped: the event goes on record under this badge, whoever is logged in then. */
  operator: string | null;
  commitAt: string;
}

const WORK_KEY = 'station.work';

export const emptyWork = (): WorkState => ({
  operator: null,
  order: null,
  lineStop: null,
  progress: {},
  heldUnits: [],
  packing: { units: [], awaitingVerify: null },
  shipping: { scanned: [], blocked: null },
});

export function loadWork(store: ReplicaStore): WorkState {
  const saved = store.meta(WORK_KEY);
  if (!saved) return emptyWork();
  try {
    return { ...emptyWork(), ...(JSON.parse(saved) as Partial<WorkState>) };
  } catch {
    // A meta row we cannot read is not worth refusing to start over; the outbox holds the facts.
    return emptyWork();
  }
}

export function saveWork(store: ReplicaStore, work: WorkState): void {
  store.setMeta(WORK_KEY, JSON.stringify(work));
}

/** The work after a decision: pure, so the caller can write it inside the decision's transaction. */
export function workAfter(
  work: WorkState,
  result: Outcome,
  scanned: string,
  at: string,
): WorkState {
  if (result.verdict === 'line_stop') {
    return {
      ...work,
      lineStop: {
        since: at,
        scanned,
        scannedOrder: result.scannedOrder,
        order: work.order,
        supervisorBadge: null,
      },
    };
  }
  if (result.blocksDispatch)
    return { ...work, shipping: { ...work.shipping, blocked: result.message } };
  const action = result.action;
  switch (action?.kind) {
    case 'load_order':
      if (action.order === work.order) return work;
      return {
        ...work,
        order: action.order,
        packing: { units: [], awaitingVerify: null },
        shipping: { scanned: [], blocked: null },
      };
    case 'gather_unit':
      return {
        ...work,
        order: action.order,
        packing: { ...work.packing, units: [...work.packing.units, action.unit] },
      };
    case 'verify_label':
      return { ...work, packing: { ...work.packing, awaitingVerify: null } };
    case 'scan_package':
      return {
        ...work,
        order: action.order,
        shipping: { ...work.shipping, scanned: [...work.shipping.scanned, action.package] },
      };
    default:
      return work;
  }
}

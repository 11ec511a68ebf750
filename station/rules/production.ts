import { scanAllowed, type StationRole } from '#core/orders/state-machine.ts';
import type { ScanParse } from '#core/scan/parse-scan.ts';
import { outcome, type Outcome } from './outcome.ts';
import { requiredOf, type ReplicaLookup, type ResourceRecord } from './replica-lookup.ts';

export interface ProductionWork {
  order: string | null;
  lineStopped: boolean;
  /**
   * The replica has everything the server had moments ago (live link, or a recent pull):
   * a code it does not know then was never issued, rather than not synced yet.
   */
  replicaCurrent: boolean;
}

/** Shared by every role: a scan that fails its check is a misread, never a mismatch. */
export function misread(scan: ScanParse): Outcome {
  return outcome('misread', null, 'misread', { detail: scan.error ?? 'unreadable' });
}

/**
 * A label that carries the loaded order's code but that the replica does not know: never
 * consumed. A current replica means the server never issued it (counterfeit, misprinted,
 * another plant's): a mismatch, so the line stops unless the line's rules say refuse. A
 * stale replica may simply not have it yet: the operator is asked to wait for sync.
 */
function unknownLabel(
  scan: ScanParse,
  work: ProductionWork,
  lineId: string | null,
  replica: ReplicaLookup,
): Outcome {
  if (!work.replicaCurrent) return outcome('unknown', scan.order, 'replica_stale');
  if (replica.lineRules(lineId).unknownLabel === 'refuse')
    return outcome('unknown', scan.order, 'unknown_code');
  return outcome('line_stop', scan.order, 'unknown_label', { code: scan.code });
}

/** An order's job card: loads it where the role may work on it in its state. */
export function loadOrderOutcome(role: StationRole, code: string, replica: ReplicaLookup): Outcome {
  const order = replica.order(code);
  if (!order) return outcome('unknown', code, 'unknown_code');
  const allowed = scanAllowed(role, order.state);
  if (!allowed.allowed) return outcome('wrong_state', code, 'order_state', { state: order.state });
  const key = role === 'production' ? 'job_card_loaded' : 'order_loaded';
  return outcome('accepted', code, key, { order: code }, { kind: 'load_order', order: code });
}

/**
 * docs/design.md "Station rules", production: each resource must carry the loaded order's code;
 * another order's resource stops the line. Decided from the code alone first (the resource
 * row may not have synced yet), then against the replica.
 */
export function decideProduction(
  scan: ScanParse,
  work: ProductionWork,
  replica: ReplicaLookup,
): Outcome {
  if (work.lineStopped) return outcome('line_stopped', scan.order, 'line_stopped');
  if (!scan.valid) return misread(scan);
  if (scan.kind === 'order') return loadOrderOutcome('production', scan.code, replica);
  if (scan.kind !== 'resource')
    return outcome('wrong_kind', scan.order, 'wrong_kind', { kind: scan.kind });
  if (!work.order) return outcome('wrong_state', scan.order, 'no_order_loaded');
  if (scan.order !== work.order) {
    return outcome('line_stop', scan.order, 'resource_other_order', { order: scan.order ?? '' });
  }
  const order = replica.order(work.order);
  if (!order) return outcome('unknown', scan.order, 'unknown_code');
  const allowed = scanAllowed('production', order.state);
  if (!allowed.allowed)
    return outcome('wrong_state', scan.order, 'order_state', { state: order.state });
  const resource = replica.resource(scan.code);
  if (!resource) return unknownLabel(scan, work, order.lineId, replica);
  if (resource.consumed) return outcome('already_consumed', scan.order, 'already_consumed');
  const required = requiredOf(order, resource.resourceType);
  if (required === 0) {
    return outcome('wrong_material', scan.order, 'not_in_bom', materialParams(resource));
  }
  if (replica.consumedOf(order.code, resource.resourceType) >= required) {
    return outcome('wrong_material', scan.order, 'bom_complete', {
      ...materialParams(resource),
      required,
    });
  }
  return outcome(
    'accepted',
    scan.order,
    'resource_consumed',
    { ...materialParams(resource), step: resource.step, step_zh: resource.stepZh },
    { kind: 'consume', resource: scan.code },
  );
}

/** A material's name for a message, in both languages (the screen picks: core/text/bilingual.ts). */
const materialParams = (resource: ResourceRecord) => ({
  material: resource.materialName,
  material_zh: resource.materialNameZh,
});

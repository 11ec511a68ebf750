import { scanAllowed } from '#core/orders/state-machine.ts';
import type { ScanParse } from '#core/scan/parse-scan.ts';
import { outcome, type Outcome } from './outcome.ts';
import { packageNamedBy } from './package-scan.ts';
import { loadOrderOutcome, misread } from './production.ts';
import type { ReplicaLookup } from './replica-lookup.ts';

export interface PackingWork {
  order: string | null;
  units: readonly string[];
  /** The package just closed, whose printed label must be scanned back. */
  awaitingVerify: string | null;
}

/**
 * Packing (docs/station.md "Station rules"): units gathered by order code (the first unit
 * at a free bench names the order), another order's unit refused while units are on the
 * bench, and after closing a package its printed label scanned back to prove it reads and
 * matches.
 */
export function decidePacking(scan: ScanParse, work: PackingWork, replica: ReplicaLookup): Outcome {
  if (!scan.valid) return misread(scan);
  if (work.awaitingVerify) return verifyLabel(scan, work.awaitingVerify, replica);
  if (scan.kind === 'order') {
    if (work.units.length > 0 && scan.code !== work.order) {
      return outcome('wrong_order', scan.code, 'unit_other_order', { order: scan.code });
    }
    return loadOrderOutcome('packing', scan.code, replica);
  }
  if (scan.kind !== 'unit')
    return outcome('wrong_kind', scan.order, 'wrong_kind', { kind: scan.kind });
  const orderCode = scan.order ?? '';
  // A free bench (nothing gathered, no label to scan back) takes the first unit as naming
  // its order; with units on the bench, another order's unit is refused.
  const benchFree = work.units.length === 0;
  if (work.order && orderCode !== work.order && !benchFree) {
    return outcome('wrong_order', orderCode, 'unit_other_order', { order: orderCode });
  }
  const order = replica.order(orderCode);
  const unit = replica.unit(scan.code);
  if (!order || !unit) return outcome('unknown', orderCode, 'unknown_code');
  const allowed = scanAllowed('packing', order.state);
  if (!allowed.allowed)
    return outcome('wrong_state', orderCode, 'order_state', { state: order.state });
  if (unit.packedInto || work.units.includes(scan.code)) {
    return outcome('already_consumed', orderCode, 'unit_packed_already');
  }
  return outcome(
    'accepted',
    orderCode,
    'unit_gathered',
    { count: work.units.length + 1 },
    { kind: 'gather_unit', unit: scan.code, order: orderCode },
  );
}

/**
 * The label just printed, scanned back: its package code, or its SSCC (the same label's
 * GS1-128), must name the package just closed.
 */
function verifyLabel(scanned: ScanParse, expected: string, replica: ReplicaLookup): Outcome {
  const named = packageNamedBy(scanned, replica);
  if ('refused' in named) return named.refused;
  const scan = named.scan;
  if (scan.kind !== 'package') return outcome('wrong_kind', scan.order, 'verify_label_first');
  if (scan.code !== expected) {
    return outcome('wrong_order', scan.order, 'label_mismatch', { package: expected });
  }
  return outcome(
    'accepted',
    scan.order,
    'label_verified',
    { package: scan.code },
    { kind: 'verify_label', package: scan.code },
  );
}

/** The next package of the order: numbers run 1, 2, 3… across every station that packed it. */
export function nextPackageNumber(order: string, replica: ReplicaLookup): number {
  return Math.max(0, ...replica.closedPackageNumbers(order)) + 1;
}

import type { Message } from '#core/api/station-api.ts';
import { scanAllowed } from '#core/orders/state-machine.ts';
import type { ScanParse } from '#core/scan/parse-scan.ts';
import { outcome, type Outcome } from './outcome.ts';
import { packageNamedBy } from './package-scan.ts';
import { loadOrderOutcome, misread } from './production.ts';
import { orderCompleteness, type ReplicaLookup } from './replica-lookup.ts';

export interface ShippingWork {
  order: string | null;
  scanned: readonly string[];
  blocked: Message | null;
}

const blocking = (result: Outcome): Outcome => ({ ...result, blocksDispatch: true });

/**
 * Shipping (docs/station.md "Station rules"): each package scan (its code or its SSCC)
 * looks up its order; a
 * package of another order, a held or cancelled order, or a missing package blocks
 * dispatch. After a dispatch the dock is free and the next package starts the next order.
 */
export function decideShipping(
  scanned: ScanParse,
  work: ShippingWork,
  replica: ReplicaLookup,
): Outcome {
  if (!scanned.valid) return misread(scanned);
  // The SSCC of the package's GS1 logistic label names the package as its code does.
  const named = packageNamedBy(scanned, replica);
  if ('refused' in named) return named.refused;
  const scan = named.scan;
  if (scan.kind === 'order') return loadOrderOutcome('shipping', scan.code, replica);
  if (scan.kind !== 'package')
    return outcome('wrong_kind', scan.order, 'wrong_kind', { kind: scan.kind });
  const orderCode = scan.order ?? '';
  // An order on the dock (loaded, or named by its first package) blocks another's packages;
  // a dispatch frees the dock, so the next package names the next order.
  if (work.order && orderCode !== work.order) {
    return blocking(outcome('wrong_order', orderCode, 'package_other_order', { order: orderCode }));
  }
  const order = replica.order(orderCode);
  if (!order) return outcome('unknown', orderCode, 'unknown_code');
  const allowed = scanAllowed('shipping', order.state);
  if (!allowed.allowed) {
    return blocking(outcome('wrong_state', orderCode, 'order_state', { state: order.state }));
  }
  const pkg = replica.package(scan.code);
  if (!pkg) return outcome('unknown', orderCode, 'unknown_code');
  if (pkg.dispatched) return outcome('already_consumed', orderCode, 'package_dispatched_already');
  if (work.scanned.includes(scan.code)) {
    return outcome('already_consumed', orderCode, 'package_scanned_already');
  }
  return outcome(
    'accepted',
    orderCode,
    'package_scanned',
    { count: work.scanned.length + 1, expected: expectedPackages(orderCode, replica) },
    { kind: 'scan_package', package: scan.code, order: orderCode },
  );
}

/** Packages still to leave: the order's count less those already dispatched (0 while unknown). */
export function expectedPackages(order: string, replica: ReplicaLookup): number {
  const record = replica.order(order);
  if (!record) return 0;
  return orderCompleteness(record, replica).packages.remaining ?? 0;
}

/** May the scanned packages leave? The refusal names why; the allowance lists them. */
export function checkDispatch(
  work: ShippingWork,
  replica: ReplicaLookup,
): { ok: true; order: string; packages: string[] } | { ok: false; message: Message } {
  if (!work.order) return { ok: false, message: { key: 'no_order_loaded', params: {} } };
  if (work.blocked) return { ok: false, message: work.blocked };
  const order = replica.order(work.order);
  if (!order) return { ok: false, message: { key: 'unknown_code', params: {} } };
  if (!scanAllowed('shipping', order.state).allowed) {
    return { ok: false, message: { key: 'order_state', params: { state: order.state } } };
  }
  const packages = orderCompleteness(order, replica).packages;
  if (packages.expected === null) {
    return { ok: false, message: { key: 'package_count_unknown', params: {} } };
  }
  const missing = (packages.remaining ?? 0) - work.scanned.length;
  if (missing > 0 || work.scanned.length === 0) {
    return {
      ok: false,
      message: { key: 'dispatch_incomplete', params: { missing: Math.max(missing, 1) } },
    };
  }
  return { ok: true, order: work.order, packages: [...work.scanned] };
}

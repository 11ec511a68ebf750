import type { Message } from '#core/api/station-api.ts';
import { scanAllowed } from '#core/orders/state-machine.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import type { OrderRecord, ReplicaLookup } from './replica-lookup.ts';

/**
 * May the packing station print this unit's label? A unit code (typed or scanned, read as
 * any scan is) that the replica knows, of an order packing may work on. A unit label names
 * the order in its code: printing one for a code the server never issued would put a
 * barcode on a product that no decision downstream knows.
 */
export function checkUnitLabel(
  text: string,
  replica: ReplicaLookup,
):
  { ok: true; unit: string; serial: number; order: OrderRecord } | { ok: false; message: Message } {
  const scan = parseScan(text);
  if (!scan.valid)
    return { ok: false, message: { key: 'misread', params: { detail: scan.error ?? '' } } };
  if (scan.kind !== 'unit') {
    return { ok: false, message: { key: 'wrong_kind', params: { kind: scan.kind } } };
  }
  const order = scan.order ? replica.order(scan.order) : undefined;
  if (!order || !replica.unit(scan.code) || !scan.serial) {
    return { ok: false, message: { key: 'unknown_code', params: {} } };
  }
  if (!scanAllowed('packing', order.state).allowed) {
    return { ok: false, message: { key: 'order_state', params: { state: order.state } } };
  }
  return { ok: true, unit: scan.code, serial: scan.serial, order };
}

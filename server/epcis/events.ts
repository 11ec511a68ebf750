import {
  codeUri,
  derivedEventUri,
  ext,
  lineUri,
  packageUri,
  timeZoneOffset,
} from './identifiers.ts';

/*
 * Our facts as EPCIS 2.0 events (docs/epcis.md has the table): the shapes, and the events
 * the server derives from its own tables (release, receipt). Station events are mapped in
 * epcis-station-events.ts. Pure functions; the loader in epcis.ts gathers the rows.
 */
export type EpcisEvent = Record<string, unknown>;

export interface OrderFacts {
  code: string;
  line: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  resources: string[];
  units: string[];
}

export interface PackageFacts {
  code: string;
  orderCode: string;
  sscc: string | null;
  receipt: string | null;
  receiptReason: string | null;
  receiptAt: string | null;
}

export interface LineStopClearance {
  clearedBy: string | null;
  reason: string | null;
  clearedAt: string | null;
}

/** The order, as the production-order business transaction of every event (CBV prodorder). */
export const prodOrder = (orderCode: string) => [
  { type: 'prodorder', bizTransaction: codeUri(orderCode) },
];

/**
 * Release mints every resource and unit code: an ADD ObjectEvent (EPCIS 2.0 §7.4.2
 * ObjectEvent, CBV commissioning).
 */
export function commissioningEvent(order: OrderFacts): EpcisEvent | undefined {
  const codes = [...order.resources, ...order.units];
  if (!order.releasedAt || codes.length === 0) return undefined;
  return {
    type: 'ObjectEvent',
    eventTime: order.releasedAt,
    eventTimeZoneOffset: timeZoneOffset(order.releasedAt),
    eventID: derivedEventUri(order.code, 'commissioning'),
    epcList: codes.map(codeUri),
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    ...(order.line ? { bizLocation: { id: lineUri(order.line) } } : {}),
    bizTransactionList: prodOrder(order.code),
    ...(order.releasedBy ? { [ext('releasedBy')]: order.releasedBy } : {}),
  };
}

/** The customer's receipt (CBV receiving): verified complete, or refused with a reason. */
export function receiptEvent(pkg: PackageFacts): EpcisEvent | undefined {
  if (!pkg.receipt || !pkg.receiptAt) return undefined;
  return {
    type: 'ObjectEvent',
    eventTime: pkg.receiptAt,
    eventTimeZoneOffset: timeZoneOffset(pkg.receiptAt),
    eventID: derivedEventUri(pkg.code, 'receipt'),
    epcList: [packageUri(pkg.code, pkg.sscc)],
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: pkg.receipt === 'confirmed' ? 'completeness_verified' : 'non_conformant',
    bizTransactionList: prodOrder(pkg.orderCode),
    [ext('packageCode')]: pkg.code,
    [ext('receipt')]: pkg.receipt,
    ...(pkg.receiptReason ? { [ext('receiptReason')]: pkg.receiptReason } : {}),
  };
}

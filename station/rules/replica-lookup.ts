import type { OrderState } from '#core/orders/state-machine.ts';

/*
 * What the rules may ask of the replica. The rules never see SQL: the station passes the
 * SQLite-backed lookup (station/replica/sqlite-lookup.ts), the unit tests a map.
 */
export interface BomItem {
  resourceType: string;
  materialName: string;
  quantityPerUnit: number;
  step: string;
}

export interface OrderRecord {
  code: string;
  state: OrderState;
  lineId: string | null;
  shipTo: string;
  carrier: string | null;
  customerReference: string | null;
  unitsOrdered: number;
  packageCount: number;
  lines: {
    position: number;
    product: string;
    nameEn: string;
    nameZh: string;
    quantity: number;
    bom: BomItem[];
  }[];
}

export interface ResourceRecord {
  code: string;
  order: string;
  resourceType: string;
  materialName: string;
  step: string;
  /** Consumed as the server knows it, or by this station's own unconfirmed decision. */
  consumed: boolean;
}

export interface UnitRecord {
  code: string;
  order: string;
  /** The package it is in, as the server knows it or as this station packed it. */
  packedInto: string | null;
}

export interface PackageRecord {
  code: string;
  order: string;
  number: number;
  of: number;
  dispatched: boolean;
}

export interface BadgeRecord {
  code: string;
  name: string;
  role: 'operator' | 'supervisor';
  revoked: boolean;
}

export interface ReplicaLookup {
  order(code: string): OrderRecord | undefined;
  resource(code: string): ResourceRecord | undefined;
  /** Resources of this type of the order already consumed (server's or this station's). */
  consumedOf(order: string, resourceType: string): number;
  unit(code: string): UnitRecord | undefined;
  package(code: string): PackageRecord | undefined;
  packagesOf(order: string): PackageRecord[];
  /** Numbers of the order's packages closed so far, here or anywhere the server knows of. */
  closedPackageNumbers(order: string): number[];
  badge(code: string): BadgeRecord | undefined;
}

/** How many of a resource type the order needs in all: units ordered × quantity per unit. */
export function requiredOf(order: OrderRecord, resourceType: string): number {
  let required = 0;
  for (const line of order.lines)
    for (const item of line.bom)
      if (item.resourceType === resourceType) required += line.quantity * item.quantityPerUnit;
  return required;
}

import type { BadgeRole } from '#core/api/plant.ts';
import { completeness, type Completeness } from '#core/orders/completeness.ts';
import type { LineRules, OrderRow } from '#core/sync/replicated-rows.ts';

/*
 * What the rules may ask of the replica. The rules never see SQL: the station passes the
 * SQLite-backed lookup (station/replica/sqlite-lookup.ts), the unit tests a map.
 */
/** An order as the station replicates it (core's schema: one contract for both ends). */
export type OrderRecord = OrderRow;
export type BomItem = OrderRow['lines'][number]['bom'][number];
export interface ResourceRecord {
  code: string;
  order: string;
  resourceType: string;
  materialName: string;
  step: string;
  /** Chinese names; '' when the row has none (the screen then shows the English one). */
  materialNameZh: string;
  stepZh: string;
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
  /** The order's package count, once its last package closed. */
  of: number | null;
  dispatched: boolean;
}

export interface BadgeRecord {
  code: string;
  name: string;
  role: BadgeRole;
  revoked: boolean;
}

export interface ReplicaLookup {
  order(code: string): OrderRecord | undefined;
  resource(code: string): ResourceRecord | undefined;
  /** Resources of this type of the order already consumed (server's or this station's). */
  consumedOf(order: string, resourceType: string): number;
  unit(code: string): UnitRecord | undefined;
  package(code: string): PackageRecord | undefined;
  /** The package whose GS1 logistic label carries this SSCC (18 digits). */
  packageBySscc(sscc: string): PackageRecord | undefined;
  packagesOf(order: string): PackageRecord[];
  /** Numbers of the order's packages closed so far, here or anywhere the server knows of. */
  closedPackageNumbers(order: string): number[];
  /** Units of the order packed, as the server knows it or as this station packed them. */
  unitsPackedOf(order: string): number;
  badge(code: string): BadgeRecord | undefined;
  /** The rules of a line, by id or name (its defaults when the line's row has not arrived). */
  lineRules(line: string | null): LineRules;
}

/** The order's completeness (core/orders/completeness.ts) as the replica knows it. */
export function orderCompleteness(order: OrderRecord, replica: ReplicaLookup): Completeness {
  return completeness(order, {
    consumedOf: (resourceType) => replica.consumedOf(order.code, resourceType),
    unitsPacked: replica.unitsPackedOf(order.code),
    packages: replica.packagesOf(order.code),
  });
}

/** How many of a resource type the order needs in all: units ordered × quantity per unit. */
export function requiredOf(order: OrderRecord, resourceType: string): number {
  let required = 0;
  for (const line of order.lines)
    for (const item of line.bom)
      if (item.resourceType === resourceType) required += line.quantity * item.quantityPerUnit;
  return required;
}

import { z } from 'zod';
import { BADGE_ROLES } from '../api/plant.ts';
import { ORDER_STATES } from '../orders/state-machine.ts';

/*
 * What a station knows about an order, and nothing more (docs/architecture.md points here):
 * - the order row: code, state, line, ship-to, carrier, customer reference, units ordered,
 *   the package count once known, and its lines with each product's names, quantity and
 *   bill of materials (which material, how many per unit, at which step);
 * - its resources (material items: type, material, step, consumed or not), its units (which
 *   package holds each) and its packages (number, n of m, SSCC, units, closed, dispatched);
 * - besides orders: the badges of the plant and its line's rules.
 * Only orders released to the station's line reach it; no customer, price, history or
 * conversation does. On top of these rows the station keeps only what it decided itself and
 * the server has not confirmed yet (db/local-effects.ts) and its work state
 * (station/service/work-state.ts).
 *
 * One schema per replicated entity. The server's writers build rows of
 * these types (server/replication), the station's store parses every pulled row with them
 * (db/replica-store.ts) and its lookups read them (station/replica/sqlite-lookup.ts); the
 * benchmark fixtures make them too. A row that does not parse is refused at the station
 * with the reason, never half-read with defaults.
 */

const text = (max: number) => z.string().max(max);
const time = z.string().max(40);
const count = z.number().int().nonnegative();

/** Material and step names: English, and Chinese when given (absent on older rows). */
export const bomItemRowSchema = z.object({
  resourceType: text(100),
  materialName: text(200),
  materialNameZh: text(200).optional(),
  quantityPerUnit: z.number().int().positive(),
  step: text(100),
  stepZh: text(100).optional(),
});

export const orderLineRowSchema = z.object({
  position: z.number().int().positive(),
  product: text(64),
  nameEn: text(200),
  nameZh: text(200),
  quantity: z.number().int().positive(),
  bom: z.array(bomItemRowSchema),
});

/** An order released to a line: what its job card, materials, units and packages need. */
export const orderRowSchema = z.object({
  code: text(64),
  state: z.enum(ORDER_STATES),
  lineId: text(64).nullable(),
  shipTo: text(2000),
  carrier: text(100).nullable(),
  customerReference: text(200).nullable(),
  unitsOrdered: count,
  /** Known once the order's last package has closed; null until then. */
  packageCount: z.number().int().positive().nullable(),
  lines: z.array(orderLineRowSchema),
});

/** One coded item of material for one order. */
export const resourceRowSchema = z.object({
  code: text(64),
  order: text(64),
  serial: z.number().int().positive(),
  resourceType: text(100),
  materialName: text(200),
  step: text(100),
  materialNameZh: text(200).optional(),
  stepZh: text(100).optional(),
  consumedAt: time.nullable(),
});

/** One finished unit (serials run across the order's lines in position order). */
export const unitRowSchema = z.object({
  code: text(64),
  order: text(64),
  serial: z.number().int().positive(),
  package: text(64).nullable(),
});

export const packageRowSchema = z.object({
  code: text(64),
  order: text(64),
  number: z.number().int().positive(),
  /** The order's package count once its last package closed; null before. */
  of: z.number().int().positive().nullable(),
  sscc: z
    .string()
    .regex(/^[0-9]{18}$/)
    .nullable(),
  units: z.array(text(64)).default([]),
  closedAt: time.nullable(),
  dispatchedAt: time.nullable(),
});

export const badgeRowSchema = z.object({
  code: text(64),
  name: text(200),
  role: z.enum(BADGE_ROLES),
  revokedAt: time.nullable(),
});

/** How a line's stations enforce the guarantees that a plant may tune (docs/station.md). */
export const lineRulesSchema = z.object({
  /** A label of the loaded order that the replica does not know: stop the line, or refuse. */
  unknownLabel: z.enum(['stop', 'refuse']).default('stop'),
  /** Refuse scans and commands while no operator badge is logged in. */
  requireOperator: z.boolean().default(true),
});
export type LineRules = z.infer<typeof lineRulesSchema>;
export const DEFAULT_LINE_RULES: LineRules = { unknownLabel: 'stop', requireOperator: true };

export const lineRowSchema = z.object({
  id: text(64),
  name: text(200),
  rules: lineRulesSchema,
});

export const replicatedRowSchemas = {
  order: orderRowSchema,
  resource: resourceRowSchema,
  unit: unitRowSchema,
  package: packageRowSchema,
  badge: badgeRowSchema,
  line: lineRowSchema,
} as const;

export type ReplicatedRows = {
  [E in keyof typeof replicatedRowSchemas]: z.infer<(typeof replicatedRowSchemas)[E]>;
};
export type OrderRow = ReplicatedRows['order'];
export type ResourceRow = ReplicatedRows['resource'];
export type UnitRow = ReplicatedRows['unit'];
export type PackageRow = ReplicatedRows['package'];
export type BadgeRow = ReplicatedRows['badge'];
export type LineRow = ReplicatedRows['line'];

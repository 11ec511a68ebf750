import type {
  BadgeRow,
  LineRow,
  OrderRow,
  PackageRow,
  ResourceRow,
  UnitRow,
} from '#core/sync/replicated-rows.ts';
import { lineRulesSchema } from '#core/sync/replicated-rows.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import type { Db } from '../context.ts';
import type {
  BadgesTable,
  BomItemsTable,
  LinesTable,
  OrdersTable,
  PackagesTable,
  ResourcesTable,
  UnitsTable,
} from '../storage/schema.ts';

/*
 * The server's side of the replicated-row contract (core/sync/replicated-rows.ts): each
 * function turns stored rows into exactly the row a station keeps. Every writer of the change
 * log goes through these, so what a station sees of an entity is decided here and typed by
 * core's schema.
 */

/** An order line with its product, as orderRow reads it. */
export interface OrderLineFacts {
  order_id: string;
  position: number;
  quantity: number;
  id: string;
  code: string;
  name_en: string;
  name_zh: string;
}

/** The order lines (with products) and the products' BOM items of some orders, two queries. */
export async function readOrderLines(db: Db, orderIds: readonly string[]) {
  const lines = await db
    .selectFrom('order_lines')
    .innerJoin('products', 'products.id', 'order_lines.product_id')
    .select([
      'order_lines.order_id',
      'order_lines.position',
      'order_lines.quantity',
      'products.id',
      'products.code',
      'products.name_en',
      'products.name_zh',
    ])
    .where('order_lines.order_id', 'in', [...orderIds, ''])
    .orderBy('order_lines.position')
    .execute();
  const bom = await db
    .selectFrom('bom_items')
    .selectAll()
    .where('product_id', 'in', [...new Set(lines.map((line) => line.id)), ''])
    .orderBy('position')
    .execute();
  return { lines: lines as OrderLineFacts[], bom };
}

/** The order as stations replicate it: what a scan decision needs, nothing more. */
export async function orderRow(db: Db, order: OrdersTable): Promise<OrderRow> {
  const { lines, bom } = await readOrderLines(db, [order.id]);
  // The count is known once the last package closed (every package then carries it).
  const last = await db
    .selectFrom('packages')
    .select('package_count')
    .where('order_id', '=', order.id)
    .where('package_count', '>', 0)
    .executeTakeFirst();
  return orderRowFrom(order, lines, bom, last ? Number(last.package_count) : null);
}

/** orderRow from rows already read: the order's lines (in position order) and their BOM items. */
export function orderRowFrom(
  order: OrdersTable,
  lines: readonly OrderLineFacts[],
  bom: readonly BomItemsTable[],
  packageCount: number | null,
): OrderRow {
  return {
    code: order.code ?? '',
    state: order.state as OrderState,
    lineId: order.line_id,
    shipTo: order.ship_to,
    carrier: order.carrier,
    customerReference: order.customer_reference,
    unitsOrdered: lines.reduce((sum, line) => sum + line.quantity, 0),
    packageCount,
    lines: lines.map((line) => ({
      position: line.position,
      product: line.code,
      nameEn: line.name_en,
      nameZh: line.name_zh,
      quantity: line.quantity,
      bom: bom
        .filter((item) => item.product_id === line.id)
        .map((item) => ({
          resourceType: item.resource_type,
          materialName: item.material_name,
          ...zhNames(item),
          quantityPerUnit: item.quantity_per_unit,
          step: item.step,
        })),
    })),
  };
}

export function resourceRow(row: ResourcesTable, orderCode: string): ResourceRow {
  return {
    code: row.code,
    order: orderCode,
    serial: row.serial,
    resourceType: row.resource_type,
    materialName: row.material_name,
    step: row.step,
    ...zhNames(row),
    consumedAt: row.consumed_at,
  };
}

/**
 * The Chinese names of a material and its step, only those given: a row without them has
 * the same data text (and checksum) it had before materials had Chinese names.
 */
function zhNames(row: { material_name_zh: string; step_zh: string }) {
  return {
    ...(row.material_name_zh ? { materialNameZh: row.material_name_zh } : {}),
    ...(row.step_zh ? { stepZh: row.step_zh } : {}),
  };
}

export function unitRow(row: UnitsTable, orderCode: string): UnitRow {
  return { code: row.code, order: orderCode, serial: row.serial, package: row.package_code };
}

/** A package with the units it holds; `of` is null until the order's last package closed. */
export async function packageRow(
  db: Db,
  pkg: PackagesTable,
  orderCode: string,
): Promise<PackageRow> {
  const units = await db
    .selectFrom('units')
    .select('code')
    .where('package_code', '=', pkg.code)
    .orderBy('serial')
    .execute();
  return {
    code: pkg.code,
    order: orderCode,
    number: pkg.serial,
    of: pkg.package_count > 0 ? pkg.package_count : null,
    sscc: pkg.sscc,
    units: units.map((unit) => unit.code),
    closedAt: pkg.closed_at,
    dispatchedAt: pkg.dispatched_at,
  };
}

export function badgeRow(
  row: Pick<BadgesTable, 'code' | 'name' | 'role' | 'revoked_at'>,
): BadgeRow {
  return {
    code: row.code,
    name: row.name,
    role: row.role === 'supervisor' ? 'supervisor' : 'operator',
    revokedAt: row.revoked_at,
  };
}

export function lineRow(row: Pick<LinesTable, 'id' | 'name' | 'rules'>): LineRow {
  return { id: row.id, name: row.name, rules: lineRules(row.rules) };
}

/** A line's rules as stored (JSON text); anything missing takes its default. */
export function lineRules(text: string | null | undefined) {
  let stored: unknown = {};
  try {
    stored = JSON.parse(text || '{}');
  } catch {
    stored = {};
  }
  const parsed = lineRulesSchema.safeParse(stored);
  return parsed.success ? parsed.data : lineRulesSchema.parse({});
}

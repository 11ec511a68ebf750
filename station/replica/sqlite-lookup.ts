import type { Database, Statement } from 'better-sqlite3';
import { parseCode } from '#core/codes/formats.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import type {
  BadgeRecord,
  OrderRecord,
  PackageRecord,
  ReplicaLookup,
} from '../rules/replica-lookup.ts';

type Row = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

function toOrder(row: { state: string; line_id: string | null; data: string }): OrderRecord {
  const data = JSON.parse(row.data) as Row;
  const lines = Array.isArray(data.lines) ? (data.lines as Row[]) : [];
  return {
    code: String(data.code),
    state: row.state as OrderState,
    lineId: row.line_id,
    shipTo: text(data.shipTo) ?? '',
    carrier: text(data.carrier),
    customerReference: text(data.customerReference),
    unitsOrdered: count(data.unitsOrdered),
    packageCount: Math.max(1, count(data.packageCount)),
    lines: lines.map((line) => ({
      position: count(line.position),
      product: text(line.product) ?? '',
      nameEn: text(line.nameEn) ?? '',
      nameZh: text(line.nameZh) ?? '',
      quantity: count(line.quantity),
      bom: (Array.isArray(line.bom) ? (line.bom as Row[]) : []).map((item) => ({
        resourceType: text(item.resourceType) ?? '',
        materialName: text(item.materialName) ?? '',
        quantityPerUnit: count(item.quantityPerUnit),
        step: text(item.step) ?? '',
      })),
    })),
  };
}

function toPackage(row: {
  code: string;
  order_code: string;
  dispatched_at: string | null;
  dispatched_locally_at: string | null;
  data: string;
}): PackageRecord {
  const data = JSON.parse(row.data) as Row;
  return {
    code: row.code,
    order: row.order_code,
    number: count(data.number),
    of: count(data.of),
    dispatched: row.dispatched_at !== null || row.dispatched_locally_at !== null,
  };
}

/** The rules' view of the replica tables (db/replica-schema.ts), with prepared statements. */
export function sqliteLookup(db: Database): ReplicaLookup {
  const q = (sql: string): Statement => db.prepare(sql);
  const order = q('SELECT state, line_id, data FROM orders WHERE code = ?');
  const resource = q(
    'SELECT code, order_code, resource_type, material_name, step, consumed_at, consumed_locally_at FROM resources WHERE code = ?',
  );
  const consumed = q(
    `SELECT COUNT(*) FROM resources WHERE order_code = ? AND resource_type = ?
     AND (consumed_at IS NOT NULL OR consumed_locally_at IS NOT NULL)`,
  ).pluck();
  const unit = q('SELECT code, order_code, package, packed_locally_into FROM units WHERE code = ?');
  const pkg = q('SELECT * FROM packages WHERE code = ?');
  const packagesOf = q('SELECT * FROM packages WHERE order_code = ?');
  const localPackages = q(
    'SELECT DISTINCT packed_locally_into FROM units WHERE order_code = ? AND packed_locally_into IS NOT NULL',
  ).pluck();
  const badge = q('SELECT code, role, revoked_at, data FROM badges WHERE code = ?');

  return {
    order(code) {
      const row = order.get(code) as Parameters<typeof toOrder>[0] | undefined;
      return row ? toOrder(row) : undefined;
    },
    resource(code) {
      const row = resource.get(code) as Record<string, string | null> | undefined;
      if (!row) return undefined;
      return {
        code,
        order: row.order_code ?? '',
        resourceType: row.resource_type ?? '',
        materialName: row.material_name ?? '',
        step: row.step ?? '',
        consumed: row.consumed_at !== null || row.consumed_locally_at !== null,
      };
    },
    consumedOf: (orderCode, resourceType) => consumed.get(orderCode, resourceType) as number,
    unit(code) {
      const row = unit.get(code) as Record<string, string | null> | undefined;
      if (!row) return undefined;
      return {
        code,
        order: row.order_code ?? '',
        packedInto: row.package ?? row.packed_locally_into ?? null,
      };
    },
    package(code) {
      const row = pkg.get(code) as Parameters<typeof toPackage>[0] | undefined;
      return row ? toPackage(row) : undefined;
    },
    packagesOf: (orderCode) =>
      (packagesOf.all(orderCode) as Parameters<typeof toPackage>[0][]).map(toPackage),
    closedPackageNumbers(orderCode) {
      const numbers = new Set(this.packagesOf(orderCode).map((p) => p.number));
      for (const code of localPackages.all(orderCode) as string[]) {
        const parsed = parseCode(code);
        if (parsed.valid && parsed.serial) numbers.add(parsed.serial);
      }
      return [...numbers];
    },
    badge(code): BadgeRecord | undefined {
      const row = badge.get(code) as Record<string, string | null> | undefined;
      if (!row) return undefined;
      const data = JSON.parse(row.data ?? '{}') as Row;
      return {
        code,
        name: text(data.name) ?? code,
        role: row.role === 'supervisor' ? 'supervisor' : 'operator',
        revoked: row.revoked_at !== null,
      };
    },
  };
}

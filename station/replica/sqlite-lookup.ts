import type { Database, Statement } from 'better-sqlite3';
import {
  DEFAULT_LINE_RULES,
  type BadgeRow,
  type LineRow,
  type OrderRow,
  type PackageRow,
} from '#core/sync/replicated-rows.ts';
import type {
  BadgeRecord,
  OrderRecord,
  PackageRecord,
  ReplicaLookup,
} from '../rules/replica-lookup.ts';
import { packageOfSscc } from '#db/sscc-store.ts';

/*
 * The rules' view of the replica tables (db/replica-schema.ts). Rows hold the server's JSON
 * as core/sync/replicated-rows.ts defines it (a contract test checks every row the server
 * emits parses there), so they are read as those types; the station's own unconfirmed
 * effects come from the *_locally_* columns and local_packages.
 */
interface PackageSqlRow {
  code: string;
  order_code: string;
  dispatched_at: string | null;
  dispatched_locally_at: string | null;
  data: string;
}

function toPackage(row: PackageSqlRow): PackageRecord {
  const data = JSON.parse(row.data) as PackageRow;
  return {
    code: row.code,
    order: row.order_code,
    number: data.number,
    of: data.of ?? null,
    dispatched: row.dispatched_at !== null || row.dispatched_locally_at !== null,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The rules' view of the replica, with prepared statements. */
export function sqliteLookup(db: Database): ReplicaLookup {
  const q = (sql: string): Statement => db.prepare(sql);
  const order = q('SELECT state, line_id, data FROM orders WHERE code = ?');
  const resource = q(
    `SELECT code, order_code, resource_type, material_name, step, consumed_at, consumed_locally_at,
     json_extract(data, '$.materialNameZh') AS material_name_zh, json_extract(data, '$.stepZh') AS step_zh
     FROM resources WHERE code = ?`,
  );
  const consumed = q(
    `SELECT COUNT(*) FROM resources WHERE order_code = ? AND resource_type = ?
     AND (consumed_at IS NOT NULL OR consumed_locally_at IS NOT NULL)`,
  ).pluck();
  const unit = q('SELECT code, order_code, package, packed_locally_into FROM units WHERE code = ?');
  const unitsPacked = q(
    `SELECT COUNT(*) FROM units WHERE order_code = ?
     AND (package IS NOT NULL OR packed_locally_into IS NOT NULL)`,
  ).pluck();
  const pkg = q('SELECT * FROM packages WHERE code = ?');
  const packagesOf = q('SELECT * FROM packages WHERE order_code = ?');
  const localPackage = q('SELECT * FROM local_packages WHERE code = ?');
  const localPackagesOf = q('SELECT * FROM local_packages WHERE order_code = ?');
  const badge = q('SELECT data FROM badges WHERE code = ?').pluck();
  // A station knows its line by name (enrollment); orders name it by id: either finds it.
  const line = q(
    "SELECT data FROM lines WHERE code = @ref OR json_extract(data, '$.name') = @ref LIMIT 1",
  ).pluck();

  type LocalRow = {
    code: string;
    order_code: string;
    number: number;
    package_count: number | null;
  };
  const fromLocal = (row: LocalRow): PackageRecord => ({
    code: row.code,
    order: row.order_code,
    number: row.number,
    of: row.package_count,
    dispatched: false,
  });

  // The loaded order is read at every scan of its resources; its row (lines, bills of
  // materials) is parsed again only when its text changed (docs/performance.md
  // "scan_verdict"). Frozen: every caller shares it.
  let lastOrder: { text: string; data: Readonly<OrderRow> } | undefined;
  const orderData = (text: string): Readonly<OrderRow> => {
    if (lastOrder?.text !== text)
      lastOrder = { text, data: deepFreeze(JSON.parse(text) as OrderRow) };
    return lastOrder.data;
  };

  return {
    order(code) {
      const row = order.get(code) as
        { state: string; line_id: string | null; data: string } | undefined;
      if (!row) return undefined;
      // The columns are the server's latest word on state and line; the rest is the row.
      return {
        ...orderData(row.data),
        state: row.state as OrderRecord['state'],
        lineId: row.line_id,
      };
    },
    resource(code) {
      const row = resource.get(code) as Record<string, string | null> | undefined;
      if (!row) return undefined;
      return {
        code,
        order: row.order_code ?? '',
        resourceType: row.resource_type ?? '',
        materialName: row.material_name ?? '',
        materialNameZh: row.material_name_zh ?? '',
        step: row.step ?? '',
        stepZh: row.step_zh ?? '',
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
    unitsPackedOf: (orderCode) => unitsPacked.get(orderCode) as number,
    package(code) {
      const row = pkg.get(code) as PackageSqlRow | undefined;
      if (row) return toPackage(row);
      const local = localPackage.get(code) as LocalRow | undefined;
      return local ? fromLocal(local) : undefined;
    },
    packageBySscc(sscc) {
      const code = packageOfSscc(db, sscc);
      return code ? this.package(code) : undefined;
    },
    packagesOf(orderCode) {
      const known = (packagesOf.all(orderCode) as PackageSqlRow[]).map(toPackage);
      const codes = new Set(known.map((p) => p.code));
      const local = (localPackagesOf.all(orderCode) as LocalRow[])
        .filter((row) => !codes.has(row.code))
        .map(fromLocal);
      return [...known, ...local].sort((a, b) => a.number - b.number);
    },
    closedPackageNumbers(orderCode) {
      return this.packagesOf(orderCode).map((p) => p.number);
    },
    badge(code): BadgeRecord | undefined {
      const text = badge.get(code) as string | undefined;
      if (!text) return undefined;
      const data = JSON.parse(text) as BadgeRow;
      return { code, name: data.name, role: data.role, revoked: data.revokedAt !== null };
    },
    lineRules(lineRef) {
      const text = lineRef ? (line.get({ ref: lineRef }) as string | undefined) : undefined;
      return text ? (JSON.parse(text) as LineRow).rules : DEFAULT_LINE_RULES;
    },
  };
}

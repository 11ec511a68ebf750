import { completeness, type Completeness } from '#core/orders/completeness.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { PackageRow } from '#core/sync/replicated-rows.ts';
import type { Db } from '../context.ts';
import { orderRowFrom, readOrderLines, type OrderLineFacts } from '../replication/rows.ts';
import type {
  BadgesTable,
  BomItemsTable,
  OrdersTable,
  PackagesTable,
  ProgressTable,
  ResourcesTable,
  UnitsTable,
} from '../storage/schema.ts';
import { orderCodeChecked, supervisorOf, type CheckFacts } from './checks.ts';
import { placeholders, plainQuery } from '../storage/plain-sql.ts';

/*
 * A batch's view of the server's state for the checks (checks.ts) and for applying the batch
 * (batch-ingest.ts): every row the batch's events name, and what the completeness of their
 * orders needs, read once per batch with a fixed number of queries whatever its size. The
 * batch keeps it current as it applies (a consumed resource, an order's new state, a package
 * closed or dispatched, units packed, progress), so each event is judged and applied as if
 * the tables were asked at its turn.
 */

/** Events whose checks or effects read an order's completeness. */
const NEEDS_COMPLETENESS = new Set<StationEvent['body']['type']>([
  'progress.reported',
  'package.closed',
  'package.dispatched',
]);

const progressKey = (orderId: string, step: string) => `${orderId}\u0000${step}`;

export class BatchFacts implements CheckFacts {
  readonly ordersByCode = new Map<string, OrdersTable>();
  readonly ordersById = new Map<string, OrdersTable>();
  readonly resources = new Map<string, ResourcesTable>();
  private readonly badges = new Map<string, Pick<BadgesTable, 'name' | 'role' | 'revoked_at'>>();
  private lines = new Map<string, OrderLineFacts[]>();
  private bom: BomItemsTable[] = [];
  private readonly consumed = new Map<string, Map<string, number>>();
  private readonly unitsPacked = new Map<string, number>();
  private readonly packagesByCode = new Map<string, PackagesTable>();
  /** Each order's packages by code, in the order read (then closed). */
  private readonly packagesOfOrder = new Map<string, Map<string, PackagesTable>>();
  private readonly unitsByCode = new Map<string, UnitsTable>();
  private readonly unitsOfPackage = new Map<string, Map<string, UnitsTable>>();
  private readonly progressRows = new Map<string, ProgressTable>();

  static async read(db: Db, events: readonly StationEvent[]): Promise<BatchFacts> {
    const facts = new BatchFacts();
    const badgeCodes = new Set<string>();
    const orderCodes = new Set<string>();
    const resourceCodes = new Set<string>();
    const packageCodes = new Set<string>();
    const unitCodes = new Set<string>();
    const closingOrders = new Set<string>();
    let needsCompleteness = false;
    let readsProgress = false;
    for (const event of events) {
      if (event.operator !== null) badgeCodes.add(event.operator);
      const supervisor = supervisorOf(event.body);
      if (supervisor) badgeCodes.add(supervisor);
      const order = orderCodeChecked(event.body);
      if (order) orderCodes.add(order);
      const body = event.body;
      if (NEEDS_COMPLETENESS.has(body.type)) needsCompleteness = true;
      if (body.type === 'scan.decided' && body.effect?.kind === 'consume') {
        resourceCodes.add(body.effect.resource);
        needsCompleteness = true;
      }
      if (body.type === 'progress.reported') readsProgress = true;
      if (body.type === 'package.dispatched') packageCodes.add(body.package);
      if (body.type === 'package.closed') {
        packageCodes.add(body.package);
        closingOrders.add(body.order);
        for (const unit of body.units) unitCodes.add(unit);
      }
    }
    // Every push reads these three: plain SQL, not built anew each time (plain-sql.ts).
    const badgeList = [...badgeCodes, ''];
    const badges = await plainQuery<Pick<BadgesTable, 'code' | 'name' | 'role' | 'revoked_at'>>(
      db,
      `SELECT code, name, role, revoked_at FROM badges WHERE code IN (${placeholders(badgeList.length)})`,
      badgeList,
    );
    for (const badge of badges) facts.badges.set(badge.code, badge);
    const orderList = [...orderCodes, ''];
    const orders = await plainQuery<OrdersTable>(
      db,
      `SELECT * FROM orders WHERE code IN (${placeholders(orderList.length)})`,
      orderList,
    );
    for (const order of orders) facts.setOrder(order);
    if (resourceCodes.size > 0) {
      const resourceList = [...resourceCodes];
      const resources = await plainQuery<ResourcesTable>(
        db,
        `SELECT * FROM resources WHERE code IN (${placeholders(resourceList.length)})`,
        resourceList,
      );
      for (const resource of resources) facts.resources.set(resource.code, resource);
    }
    if (!needsCompleteness) return facts;
    // Completeness (and the order's replicated row) of every order the batch names.
    const orderIds = [...facts.ordersById.keys(), ''];
    const { lines, bom } = await readOrderLines(db, orderIds);
    facts.bom = bom;
    for (const line of lines) {
      const list = facts.lines.get(line.order_id) ?? [];
      list.push(line);
      facts.lines.set(line.order_id, list);
    }
    const consumed = await db
      .selectFrom('resources')
      .select(['order_id', 'resource_type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('order_id', 'in', orderIds)
      .where('consumed_at', 'is not', null)
      .groupBy(['order_id', 'resource_type'])
      .execute();
    for (const row of consumed)
      facts.consumedOf(row.order_id).set(row.resource_type, Number(row.n));
    const packed = await db
      .selectFrom('units')
      .select(['order_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('order_id', 'in', orderIds)
      .where('package_code', 'is not', null)
      .groupBy('order_id')
      .execute();
    for (const row of packed) facts.unitsPacked.set(row.order_id, Number(row.n));
    // The orders' packages, and any other package the batch names (a check refuses it).
    const packages = await db
      .selectFrom('packages')
      .selectAll()
      .where((eb) =>
        eb.or([eb('order_id', 'in', orderIds), eb('code', 'in', [...packageCodes, ''])]),
      )
      .execute();
    for (const pkg of packages) facts.putPackage(normalPackage(pkg));
    if (packageCodes.size > 0) {
      // The units the batch packs, and those of the packages whose rows it may send: the
      // dispatched ones, and every package of an order whose last package may close.
      const closingIds = [...closingOrders]
        .map((code) => facts.ordersByCode.get(code)?.id)
        .filter((id): id is string => id !== undefined);
      const units = await db
        .selectFrom('units')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('code', 'in', [...unitCodes, '']),
            eb('package_code', 'in', [...packageCodes, '']),
            eb.and([eb('order_id', 'in', [...closingIds, '']), eb('package_code', 'is not', null)]),
          ]),
        )
        .execute();
      for (const unit of units) facts.putUnit(normalUnit(unit));
    }
    if (readsProgress) {
      const progress = await db
        .selectFrom('progress')
        .selectAll()
        .where('order_id', 'in', orderIds)
        .execute();
      for (const row of progress)
        facts.progressRows.set(progressKey(row.order_id, row.step), {
          ...row,
          units_done: Number(row.units_done),
          units_ordered: Number(row.units_ordered),
        });
    }
    return facts;
  }

  private consumedOf(orderId: string): Map<string, number> {
    let byType = this.consumed.get(orderId);
    if (!byType) this.consumed.set(orderId, (byType = new Map()));
    return byType;
  }

  setOrder(order: OrdersTable): void {
    if (order.code) this.ordersByCode.set(order.code, order);
    this.ordersById.set(order.id, order);
  }

  /** A resource consumed by the batch: the next check sees it and its order's count. */
  consume(resource: ResourcesTable): void {
    this.resources.set(resource.code, resource);
    const byType = this.consumedOf(resource.order_id);
    byType.set(resource.resource_type, (byType.get(resource.resource_type) ?? 0) + 1);
  }

  /** A package closed or changed by the batch (or read). */
  putPackage(pkg: PackagesTable): void {
    this.packagesByCode.set(pkg.code, pkg);
    let ofOrder = this.packagesOfOrder.get(pkg.order_id);
    if (!ofOrder) this.packagesOfOrder.set(pkg.order_id, (ofOrder = new Map()));
    ofOrder.set(pkg.code, pkg);
  }

  packagesOf(orderId: string): PackagesTable[] {
    return [...(this.packagesOfOrder.get(orderId)?.values() ?? [])];
  }

  /** Units packed by the batch: the next check sees them packed, their order's count grows. */
  pack(units: readonly UnitsTable[]): void {
    for (const unit of units) {
      const before = this.unitsByCode.get(unit.code);
      if (before?.package_code == null && unit.package_code !== null)
        this.unitsPacked.set(unit.order_id, (this.unitsPacked.get(unit.order_id) ?? 0) + 1);
      if (before?.package_code) this.unitsOfPackage.get(before.package_code)?.delete(unit.code);
      this.putUnit(unit);
    }
  }

  private putUnit(unit: UnitsTable): void {
    this.unitsByCode.set(unit.code, unit);
    if (unit.package_code === null) return;
    let inPackage = this.unitsOfPackage.get(unit.package_code);
    if (!inPackage) this.unitsOfPackage.set(unit.package_code, (inPackage = new Map()));
    inPackage.set(unit.code, unit);
  }

  unit(code: string): UnitsTable | undefined {
    return this.unitsByCode.get(code);
  }

  progress(orderId: string, step: string): ProgressTable | undefined {
    return this.progressRows.get(progressKey(orderId, step));
  }

  setProgress(row: ProgressTable): void {
    this.progressRows.set(progressKey(row.order_id, row.step), row);
  }

  /** The order as stations replicate it (rows.ts orderRow), from the rows read. */
  orderRow(order: OrdersTable) {
    const count = this.packagesOf(order.id).find((pkg) => pkg.package_count > 0);
    return orderRowFrom(
      order,
      this.lines.get(order.id) ?? [],
      this.bom,
      count ? Number(count.package_count) : null,
    );
  }

  /** A package as stations replicate it (rows.ts packageRow), its units in serial order. */
  packageRow(pkg: PackagesTable, orderCode: string): PackageRow {
    const units = [...(this.unitsOfPackage.get(pkg.code)?.values() ?? [])].sort(
      (a, b) => a.serial - b.serial,
    );
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

  badge = async (code: string) => this.badges.get(code);
  /** The badge holder's name, as people know the supervisor (the code when the badge is unknown). */
  badgeHolder = (code: string): string => this.badges.get(code)?.name || code;
  order = async (code: string | null | undefined) =>
    code ? this.ordersByCode.get(code) : undefined;
  resource = async (code: string) => this.resources.get(code);
  completeness = async (order: OrdersTable): Promise<Completeness> => this.completenessOf(order);
  completenessOf(order: OrdersTable): Completeness {
    const byType = this.consumed.get(order.id);
    return completeness(this.orderRow(order), {
      consumedOf: (type) => byType?.get(type) ?? 0,
      unitsPacked: this.unitsPacked.get(order.id) ?? 0,
      packages: this.packagesOf(order.id).map((p) => ({
        number: p.serial,
        of: p.package_count > 0 ? p.package_count : null,
        dispatched: p.dispatched_at !== null,
      })),
    });
  }
  package = async (code: string) => this.packagesByCode.get(code);
  units = async (codes: readonly string[]) =>
    [...new Set(codes)]
      .map((code) => this.unitsByCode.get(code))
      .filter((unit): unit is UnitsTable => unit !== undefined);
}

// Integer columns as numbers on both engines (a driver may hand back strings for big types).
const normalPackage = (pkg: PackagesTable): PackagesTable => ({
  ...pkg,
  serial: Number(pkg.serial),
  package_count: Number(pkg.package_count),
});
const normalUnit = (unit: UnitsTable): UnitsTable => ({ ...unit, serial: Number(unit.serial) });

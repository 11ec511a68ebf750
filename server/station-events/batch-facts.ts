import { completeness, type Completeness } from '#core/orders/completeness.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { Db } from '../context.ts';
import { orderRowFrom, readOrderLines, type OrderLineFacts } from '../replication/rows.ts';
import type {
  BadgesTable,
  BomItemsTable,
  OrdersTable,
  PackagesTable,
  ResourcesTable,
} from '../storage/schema.ts';
import { orderCodeChecked, supervisorOf, type CheckFacts } from './checks.ts';

/*
 * A batch's view of the server's state for the checks (checks.ts): every row the batch's
 * events name, and what the completeness of their orders needs, read once per batch with a
 * fixed number of queries whatever its size. The batch keeps it current as it applies
 * (a consumed resource, an order's new state), so each event is judged as if the tables
 * were asked at its turn. Only the events set-based ingest takes (batch-ingest.ts) look
 * here; packages and units are not read.
 */
export class BatchFacts implements CheckFacts {
  readonly ordersByCode = new Map<string, OrdersTable>();
  readonly ordersById = new Map<string, OrdersTable>();
  readonly resources = new Map<string, ResourcesTable>();
  private readonly badges = new Map<string, Pick<BadgesTable, 'role' | 'revoked_at'>>();
  private lines = new Map<string, OrderLineFacts[]>();
  private bom: BomItemsTable[] = [];
  private readonly consumed = new Map<string, Map<string, number>>();
  private readonly unitsPacked = new Map<string, number>();
  private readonly packages = new Map<
    string,
    Pick<PackagesTable, 'serial' | 'package_count' | 'dispatched_at'>[]
  >();

  static async read(db: Db, events: readonly StationEvent[]): Promise<BatchFacts> {
    const facts = new BatchFacts();
    const badgeCodes = new Set<string>();
    const orderCodes = new Set<string>();
    const resourceCodes = new Set<string>();
    for (const event of events) {
      if (event.operator !== null) badgeCodes.add(event.operator);
      const supervisor = supervisorOf(event.body);
      if (supervisor) badgeCodes.add(supervisor);
      const order = orderCodeChecked(event.body);
      if (order) orderCodes.add(order);
      const body = event.body;
      if (body.type === 'scan.decided' && body.effect?.kind === 'consume')
        resourceCodes.add(body.effect.resource);
    }
    const badges = await db
      .selectFrom('badges')
      .select(['code', 'role', 'revoked_at'])
      .where('code', 'in', [...badgeCodes, ''])
      .execute();
    for (const badge of badges) facts.badges.set(badge.code, badge);
    const orders = await db
      .selectFrom('orders')
      .selectAll()
      .where('code', 'in', [...orderCodes, ''])
      .execute();
    for (const order of orders) facts.setOrder(order);
    if (resourceCodes.size === 0) return facts;
    // Consumption is checked against the order's completeness: read what it needs.
    const resources = await db
      .selectFrom('resources')
      .selectAll()
      .where('code', 'in', [...resourceCodes])
      .execute();
    for (const resource of resources) facts.resources.set(resource.code, resource);
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
    const packages = await db
      .selectFrom('packages')
      .select(['order_id', 'serial', 'package_count', 'dispatched_at'])
      .where('order_id', 'in', orderIds)
      .execute();
    for (const pkg of packages) {
      const list = facts.packages.get(pkg.order_id) ?? [];
      list.push(pkg);
      facts.packages.set(pkg.order_id, list);
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

  /** The order as stations replicate it (rows.ts orderRow), from the rows read. */
  orderRow(order: OrdersTable) {
    const count = this.packages.get(order.id)?.find((pkg) => pkg.package_count > 0);
    return orderRowFrom(
      order,
      this.lines.get(order.id) ?? [],
      this.bom,
      count ? Number(count.package_count) : null,
    );
  }

  badge = async (code: string) => this.badges.get(code);
  order = async (code: string | null | undefined) =>
    code ? this.ordersByCode.get(code) : undefined;
  resource = async (code: string) => this.resources.get(code);
  completeness = async (order: OrdersTable): Promise<Completeness> => {
    const byType = this.consumed.get(order.id);
    return completeness(this.orderRow(order), {
      consumedOf: (type) => byType?.get(type) ?? 0,
      unitsPacked: this.unitsPacked.get(order.id) ?? 0,
      packages: (this.packages.get(order.id) ?? []).map((p) => ({
        number: p.serial,
        of: p.package_count > 0 ? p.package_count : null,
        dispatched: p.dispatched_at !== null,
      })),
    });
  };
  package = (): Promise<PackagesTable | undefined> => {
    throw new Error('a batch does not read packages: package events are applied one by one');
  };
  units = (): Promise<never[]> => {
    throw new Error('a batch does not read units: package events are applied one by one');
  };
}

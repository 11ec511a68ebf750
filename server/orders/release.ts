import { mintOrderScopedCode, SERIAL_MAX } from '#core/codes/formats.ts';
import type { Caller, ServerContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import type { ResourcesTable, UnitsTable } from '../storage/schema.ts';
import { resourceRow, unitRow } from '../replication/rows.ts';
import { appendChanges, type Change } from '../replication/change-log.ts';
import { applyOrderAction } from './order-state.ts';
import { findOrder, orderView } from './order-view.ts';
import type { OrderView } from '#core/api/orders.ts';

/** Resource items one release makes at most (docs/api.md "Limits"); with the order's unit limit. */
export const MAX_ITEMS_PER_RELEASE = 100_000;
const BATCH = 500;

/** One turn of the event loop: I/O callbacks (other requests) run before the next batch. */
const letOthersIn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Release a confirmed order to a production line: allocate one resource item per unit of
 * every bill-of-materials entry and mint a resource code for each (it carries the order
 * code), and one unit code per unit ordered. All of it reaches the line's stations.
 */
export async function releaseOrder(
  context: ServerContext,
  caller: Caller,
  ref: string,
  lineRef: string,
): Promise<{ order: OrderView; resources: ResourcesTable[]; units: string[] }> {
  const { db, kind } = context.storage;
  const now = context.now();
  const result = await db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, ref);
    const line = await trx
      .selectFrom('lines')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('id', '=', lineRef), eb('name', '=', lineRef)]))
      .executeTakeFirst();
    if (!line) throw notFound(`Production line ${lineRef}`);
    const released = await applyOrderAction(
      trx,
      kind,
      now,
      caller,
      order,
      'release',
      { line: line.name },
      { line_id: line.id },
    );
    const code = released.code as string;

    const lines = await trx
      .selectFrom('order_lines')
      .select(['product_id', 'quantity'])
      .where('order_id', '=', order.id)
      .orderBy('position')
      .execute();
    const bom = await trx
      .selectFrom('bom_items')
      .selectAll()
      .where('product_id', 'in', lines.map((l) => l.product_id ?? '').concat(['']))
      .orderBy('position')
      .execute();
    const perLine = lines.map((orderLine) =>
      bom
        .filter((b) => b.product_id === orderLine.product_id)
        .map((item) => ({ item, count: item.quantity_per_unit * orderLine.quantity })),
    );
    // Counted before any of it is made: an order too large for one release is refused whole.
    const resourceCount = perLine.flat().reduce((sum, { count }) => sum + count, 0);
    if (resourceCount > Math.min(SERIAL_MAX, MAX_ITEMS_PER_RELEASE)) {
      throw invalid(
        `The order needs ${resourceCount} resource items; one release makes at most ${MAX_ITEMS_PER_RELEASE}: split the order.`,
      );
    }
    const resources: ResourcesTable[] = [];
    for (const { item, count } of perLine.flat()) {
      for (let i = 0; i < count; i++) {
        const serial = resources.length + 1;
        resources.push({
          code: mintOrderScopedCode('resource', code, serial),
          order_id: order.id,
          serial,
          resource_type: item.resource_type,
          material_name: item.material_name,
          material_name_zh: item.material_name_zh,
          step: item.step,
          step_zh: item.step_zh,
          consumed_at: null,
          consumed_by: null,
          consumed_event_id: null,
        });
      }
    }
    const unitCount = lines.reduce((sum, l) => sum + l.quantity, 0);
    const units: UnitsTable[] = Array.from({ length: unitCount }, (_, i) => ({
      code: mintOrderScopedCode('unit', code, i + 1),
      order_id: order.id,
      serial: i + 1,
      package_code: null,
    }));
    // Batch by batch, letting the event loop in between: on SQLite every statement runs
    // synchronously, and a large release would otherwise hold health checks and every other
    // request that needs no database until it commits.
    for (let i = 0; i < resources.length; i += BATCH) {
      await trx
        .insertInto('resources')
        .values(resources.slice(i, i + BATCH))
        .execute();
      await letOthersIn();
    }
    for (let i = 0; i < units.length; i += BATCH) {
      await trx
        .insertInto('units')
        .values(units.slice(i, i + BATCH))
        .execute();
      await letOthersIn();
    }

    const changes: Change[] = [
      ...resources.map((r) => ({
        entity: 'resource' as const,
        key: r.code,
        lineId: line.id,
        data: resourceRow(r, code),
      })),
      ...units.map((u) => ({
        entity: 'unit' as const,
        key: u.code,
        lineId: line.id,
        data: unitRow(u, code),
      })),
    ];
    for (let i = 0; i < changes.length; i += BATCH) {
      await appendChanges(trx, kind, now, changes.slice(i, i + BATCH));
      await letOthersIn();
    }
    return { order: released, resources, units: units.map((u) => u.code) };
  });
  context.live.publish(`order:${result.order.id}`);
  context.live.publish('changes');
  return { ...result, order: await orderView(db, result.order) };
}

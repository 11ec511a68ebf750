import { completeness, type Completeness } from '#core/orders/completeness.ts';
import type { Db } from '../context.ts';
import { orderRow } from '../replication/rows.ts';
import type { OrdersTable } from '../storage/schema.ts';

/*
 * The order as the server's checks see it: the stored row and its completeness, read from the
 * server's own tables with the same core model the stations decide on.
 */
export async function serverCompleteness(db: Db, order: OrdersTable): Promise<Completeness> {
  const [row, consumed, packed, packages] = await Promise.all([
    orderRow(db, order),
    db
      .selectFrom('resources')
      .select(['resource_type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('order_id', '=', order.id)
      .where('consumed_at', 'is not', null)
      .groupBy('resource_type')
      .execute(),
    db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('order_id', '=', order.id)
      .where('package_code', 'is not', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('packages')
      .select(['serial', 'package_count', 'dispatched_at'])
      .where('order_id', '=', order.id)
      .execute(),
  ]);
  const consumedBy = new Map(consumed.map((c) => [c.resource_type, Number(c.n)]));
  return completeness(row, {
    consumedOf: (type) => consumedBy.get(type) ?? 0,
    unitsPacked: Number(packed.n),
    packages: packages.map((p) => ({
      number: p.serial,
      of: p.package_count > 0 ? p.package_count : null,
      dispatched: p.dispatched_at !== null,
    })),
  });
}

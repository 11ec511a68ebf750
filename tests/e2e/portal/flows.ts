import type { ApiClient } from '../../server/harness.ts';
import {
  closeWholePackage,
  consume,
  dispatched,
  enrollStation,
  packageCode,
  produceWhole,
  progress,
  pushAccepted,
  releasedOrder,
  type TestStation,
} from '../../server/station-flow.ts';
import type { PortalWorld } from './portal-server.ts';

/** The line's stations, enrolled once per world. */
export interface Line {
  production: TestStation;
  packing: TestStation;
  shipping: TestStation;
}

export async function enrollLine(world: PortalWorld): Promise<Line> {
  const [production, packing, shipping] = await Promise.all([
    enrollStation(world.server, world.admin, 'production', 'L1'),
    enrollStation(world.server, world.admin, 'packing', 'L1'),
    enrollStation(world.server, world.admin, 'shipping', 'L1'),
  ]);
  return { production, packing, shipping };
}

/** Every resource of the order consumed at the production station: its materials are complete. */
export const consumeAll = (line: Line, order: { code: string; resources: { code: string }[] }) =>
  pushAccepted(
    line.production,
    order.resources.map((r) => consume(line.production, order.code, r.code)),
  );

export const reportProgress = (line: Line, order: string, step: string, done: number, of: number) =>
  pushAccepted(line.production, [progress(line.production, order, done, of, step)]);

/** The order's one package closed at packing and sent off by SF Express from the dock. */
export async function packAndShip(line: Line, order: { code: string; units: string[] }) {
  const pkg = packageCode(order.code, 1);
  await pushAccepted(line.packing, [closeWholePackage(line.packing, order)]);
  await pushAccepted(line.shipping, [dispatched(line.shipping, order.code, pkg, 'SF Express')]);
  return pkg;
}

/** An order of `customer`, produced, packed and shipped: what arrives at their door. */
export async function shippedOrder(
  world: PortalWorld,
  line: Line,
  customer: ApiClient,
  product = world.products.oak,
) {
  const order = await releasedOrder(customer, world.planner, product, 1);
  await produceWhole(line.production, order);
  const pkg = await packAndShip(line, order);
  return { ...order, pkg };
}

import { FINISHED_STEP } from '#core/api/sync.ts';
import type { ApiClient } from '../../server/harness.ts';
import {
  consume,
  enrollStation,
  packageCode,
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

async function pushOk(station: TestStation, events: Parameters<TestStation['push']>[0]) {
  const pushed = await station.push(events);
  const refused = pushed.body.results?.find((r: { status: string }) => r.status !== 'accepted');
  if (pushed.status !== 200 || refused) throw new Error(JSON.stringify(pushed.body));
}

/** Every resource of the order consumed at the production station: its materials are complete. */
export const consumeAll = (line: Line, order: { code: string; resources: { code: string }[] }) =>
  pushOk(
    line.production,
    order.resources.map((r) => consume(line.production, order.code, r.code)),
  );

export const reportProgress = (line: Line, order: string, step: string, done: number, of: number) =>
  pushOk(line.production, [
    line.production.event({
      type: 'progress.reported',
      order,
      step,
      unitsDone: done,
      unitsOrdered: of,
    }),
  ]);

export async function packAndShip(line: Line, order: { code: string; units: string[] }) {
  const pkg = packageCode(order.code, 1);
  await pushOk(line.packing, [
    line.packing.event({
      type: 'package.closed',
      order: order.code,
      package: pkg,
      sscc: null,
      units: order.units,
      number: 1,
      of: 1,
    }),
  ]);
  await pushOk(line.shipping, [
    line.shipping.event({
      type: 'package.dispatched',
      order: order.code,
      package: pkg,
      carrier: 'SF Express',
    }),
  ]);
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
  await consumeAll(line, order);
  await reportProgress(line, order.code, FINISHED_STEP, 1, 1);
  const pkg = await packAndShip(line, order);
  return { ...order, pkg };
}

import { mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { FINISHED_STEP, PROTOCOL_VERSION } from '#core/api/sync.ts';
import type { ApiClient, ApiResponse, TestServer } from './harness.ts';

const nextId = createUuidV7Generator();

/** An enrolled station as the server sees it: a client with its token, and its event sequence. */
export interface TestStation {
  id: string;
  api: ApiClient;
  seq: number;
  operator: string;
  event(body: StationEventBody): StationEvent;
  push(events: StationEvent[]): Promise<ApiResponse>;
}

export async function enrollStation(
  server: TestServer,
  admin: ApiClient,
  role: StationRole,
  line: string,
  name = `${role}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<TestStation> {
  const created = await admin.post('/api/v1/stations', { name, role, line });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  const api = server.client();
  const enrolled = await api.post('/api/v1/stations/enroll', { code: created.body.enrollmentCode });
  if (enrolled.status !== 200) throw new Error(JSON.stringify(enrolled.body));
  api.bearer = enrolled.body.token;
  // The server checks every event's operator against the badges it issued.
  const badge = await admin.post('/api/v1/badges', {
    name: `operator of ${name}`,
    role: 'operator',
  });
  if (badge.status !== 200) throw new Error(JSON.stringify(badge.body));
  const station: TestStation = {
    id: created.body.station.id,
    api,
    seq: 0,
    operator: badge.body.code,
    event(body) {
      return {
        id: nextId(),
        stationId: station.id,
        seq: ++station.seq,
        operator: station.operator,
        stationTime: new Date().toISOString(),
        body,
      };
    },
    push: (events) =>
      api.post('/api/v1/sync/push', { protocol: PROTOCOL_VERSION, outboxDepth: 0, events }),
  };
  return station;
}

/** Order → released to L1, as customer and planner do it; returns the release answer. */
export async function releasedOrder(
  customer: ApiClient,
  planner: ApiClient,
  product: string,
  quantity: number,
) {
  const order = await customer.post('/api/v1/orders', {
    lines: [{ product, quantity }],
    shipTo: '苏州工业园区星湖街 1 号',
  });
  const released = await planner.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
  if (released.status !== 200) throw new Error(JSON.stringify(released.body));
  return {
    id: order.body.id as string,
    code: order.body.code as string,
    resources: released.body.resources as { code: string }[],
    units: released.body.units as string[],
  };
}

/** An accepted scan as a production station records it: the code read, and what it consumed. */
export const consume = (station: TestStation, order: string, resource: string) =>
  station.event({
    type: 'scan.decided',
    role: 'production',
    currentOrder: order,
    scanned: resource,
    code: resource,
    scannedOrder: order,
    verdict: 'accepted',
    reason: 'Resource of this order, required, not yet consumed.',
    effect: { kind: 'consume', resource },
  });

/** `unitsDone` of `unitsOrdered` units through `step` (the finished step unless named). */
export const progress = (
  station: TestStation,
  order: string,
  unitsDone: number,
  unitsOrdered: number,
  step: string = FINISHED_STEP,
) => station.event({ type: 'progress.reported', order, step, unitsDone, unitsOrdered });

/** A resource of another order scanned at production: the line stops. */
export const foreignScan = (station: TestStation, order: string, foreign: string) =>
  station.event({
    type: 'scan.decided',
    role: 'production',
    currentOrder: order,
    scanned: foreign,
    scannedOrder: foreign.slice(2, 13),
    verdict: 'line_stop',
    reason: 'Resource of another order.',
  });

/** Push `events`; throws unless the server accepted every one. */
export async function pushAccepted(station: TestStation, events: StationEvent[]): Promise<void> {
  const pushed = await station.push(events);
  const refused = pushed.body.results?.filter((r: { status: string }) => r.status !== 'accepted');
  if (pushed.status !== 200 || refused?.length) throw new Error(JSON.stringify(pushed.body));
}

/** Every resource of the order consumed, then its units reported finished: the order is produced. */
export async function produceWhole(
  production: TestStation,
  order: { code: string; resources: { code: string }[]; units: string[] },
) {
  await pushAccepted(production, [
    ...order.resources.map((r) => consume(production, order.code, r.code)),
    progress(production, order.code, order.units.length, order.units.length),
  ]);
}

export const packageCode = (order: string, n: number) => mintOrderScopedCode('package', order, n);

/** The order's one package, closed with all its units and no SSCC. */
export const closeWholePackage = (packing: TestStation, order: { code: string; units: string[] }) =>
  packing.event({
    type: 'package.closed',
    order: order.code,
    package: packageCode(order.code, 1),
    sscc: null,
    units: order.units,
    number: 1,
    of: 1,
  });

/** Close the order's one package with all its units at a packing station; returns its code. */
export async function packWhole(
  packing: TestStation,
  order: { code: string; units: string[] },
): Promise<string> {
  await packing.push([closeWholePackage(packing, order)]);
  return packageCode(order.code, 1);
}

/** The package leaving on a carrier (none named unless given). */
export const dispatched = (
  dock: TestStation,
  order: string,
  pkg: string,
  carrier: string | null = null,
) => dock.event({ type: 'package.dispatched', order, package: pkg, carrier });

export const dispatch = (dock: TestStation, order: string, pkg: string) =>
  dock.push([dispatched(dock, order, pkg)]);

/** How many events the server holds from the station `stationId`, applied or not. */
export async function eventsHeldFrom(server: TestServer, stationId: string): Promise<number> {
  const { n } = await server.context.storage.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('station_id', '=', stationId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

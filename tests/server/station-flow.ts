import { mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
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

/** Every resource of the order consumed, then its units reported finished: the order is produced. */
export async function produceWhole(
  production: TestStation,
  order: { code: string; resources: { code: string }[]; units: string[] },
) {
  const pushed = await production.push([
    ...order.resources.map((r) => consume(production, order.code, r.code)),
    production.event({
      type: 'progress.reported',
      order: order.code,
      step: 'finished',
      unitsDone: order.units.length,
      unitsOrdered: order.units.length,
    }),
  ]);
  const refused = pushed.body.results?.filter((r: { status: string }) => r.status !== 'accepted');
  if (pushed.status !== 200 || refused?.length) throw new Error(JSON.stringify(pushed.body));
}

export const packageCode = (order: string, n: number) => mintOrderScopedCode('package', order, n);

/** Close the order's one package with all its units at a packing station; returns its code. */
export async function packWhole(
  packing: TestStation,
  order: { code: string; units: string[] },
): Promise<string> {
  const pkg = packageCode(order.code, 1);
  await packing.push([
    packing.event({
      type: 'package.closed',
      order: order.code,
      package: pkg,
      sscc: null,
      units: order.units,
      number: 1,
      of: 1,
    }),
  ]);
  return pkg;
}

export const dispatch = (dock: TestStation, order: string, pkg: string) =>
  dock.push([dock.event({ type: 'package.dispatched', order, package: pkg, carrier: null })]);

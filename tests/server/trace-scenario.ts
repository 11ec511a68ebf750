import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { OAK_TABLE } from './fixtures.ts';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type ApiClient, type StorageName, type TestServer } from './harness.ts';
import {
  consume,
  dispatched,
  enrollStation,
  packageCode,
  progress,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/**
 * One order through the whole plant, for the back-office tests: released (2 units), two
 * resources consumed, a resource of another order scanned (line stop, cleared by a
 * supervisor), a misread, both units finished, packed under an SSCC, dispatched, and the
 * receipt confirmed. A second order is released only (nothing happened to it yet).
 */
export interface Scenario {
  customer: ApiClient;
  planner: ApiClient;
  admin: ApiClient;
  order: { id: string; code: string; resources: { code: string }[]; units: string[] };
  idle: { id: string; code: string; resources: { code: string }[]; units: string[] };
  foreignResource: string;
  pkg: string;
  sscc: string;
  production: TestStation;
  packing: TestStation;
  dock: TestStation;
  lineStopEvent: string;
}

/** The code with its check character changed: a misread (never the code itself). */
export const misreadOf = (code: string) => `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;

let ssccSerial = Math.floor(Math.random() * 1_000_000);

/**
 * The scenario on a fresh server of `storage`, run once before the tests of the calling
 * describe block and stopped after them. The object is filled in by the time a test runs.
 */
export function scenarioOn(storage: StorageName): Scenario & { server: TestServer } {
  const shared = {} as Scenario & { server: TestServer };
  beforeAll(async () => {
    shared.server = await startTestServer(storage);
    Object.assign(shared, await runScenario(shared.server));
  });
  afterAll(() => shared.server?.stop());
  return shared;
}

export async function runScenario(server: TestServer): Promise<Scenario> {
  const [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
  const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code as string;
  await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  const [production, packing, dock] = await Promise.all([
    enrollStation(server, admin, 'production', 'L1', 'assembly-1'),
    enrollStation(server, admin, 'packing', 'L1', 'packing-1'),
    enrollStation(server, admin, 'shipping', 'L1', 'dock-1'),
  ]);
  const order = await releasedOrder(customer, planner, product, 2);
  const idle = await releasedOrder(customer, planner, product, 1);
  const foreignResource = mintOrderScopedCode('resource', mintOrderCode(), 1);
  // Made in the order they happen: each event takes the station's next sequence number.
  const loaded = production.event({ type: 'order.loaded', order: order.code });
  const first = consume(production, order.code, order.resources[0]!.code);
  const stop = production.event({
    type: 'scan.decided',
    role: 'production',
    currentOrder: order.code,
    scanned: foreignResource,
    code: foreignResource,
    scannedOrder: foreignResource.slice(2, 13),
    verdict: 'line_stop',
    reason: 'Resource of another order.',
  });
  const supervisor = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' })).body
    .code as string;
  await production.push([
    loaded,
    first,
    stop,
    production.event({
      type: 'line.cleared',
      supervisor,
      reason: 'Pallet from the next line; moved back.',
    }),
    production.event({
      type: 'scan.decided',
      role: 'production',
      currentOrder: order.code,
      scanned: misreadOf(order.resources[1]!.code),
      scannedOrder: null,
      verdict: 'misread',
      reason: 'The check character does not match.',
    }),
    // The rest of the bill: nothing is reported finished without its materials.
    ...order.resources.slice(1).map((r) => consume(production, order.code, r.code)),
    progress(production, order.code, 1, 2),
    progress(production, order.code, 2, 2),
  ]);
  const pkg = packageCode(order.code, 1);
  const sscc = mintSscc('0614141', ++ssccSerial);
  await packing.push([
    packing.event({
      type: 'package.closed',
      order: order.code,
      package: pkg,
      sscc,
      units: order.units,
      number: 1,
      of: 1,
    }),
  ]);
  await dock.push([dispatched(dock, order.code, pkg, 'SF Express')]);
  const receipt = await customer.post('/api/v1/receipts', { verdict: 'confirm', package: pkg });
  if (receipt.status !== 200) throw new Error(JSON.stringify(receipt.body));
  return {
    customer,
    planner,
    admin,
    order,
    idle,
    foreignResource,
    pkg,
    sscc,
    production,
    packing,
    dock,
    lineStopEvent: stop.id,
  };
}

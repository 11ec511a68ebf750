import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StationRole } from '#core/orders/state-machine.ts';
import { createBadge } from '#server/stations/badges.ts';
import { runStation, type RunningStation } from '#station/run-station.ts';
import { startTestServer, type ApiClient, type TestServer } from '../../server/harness.ts';
import { OAK_TABLE } from '../../server/fixtures.ts';
import { ptyScanner, socatPair, type SocatPair } from '../../native/socat-pair.ts';
import { buildAppOnce } from '../portal/portal-build.ts';

/*
 * A real server (SQLite) with a catalog, line L1 and badges, and real stations run
 * in-process through the same composition root as `ordertrace station`, each reading a
 * serial scanner on its own socat pty pair.
 */

export interface E2eStation {
  role: StationRole;
  /** The link the station prints: it opens the UI with the local API secret. */
  url: string;
  dataDir: string;
  running: RunningStation;
  pty: SocatPair;
  /** Bytes into the scanner's end of the pty, as a scanner with a CR suffix sends them. */
  scan(text: string): void;
  /** Stop the station and start it again from its data dir, without an enrollment code. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface E2ePlant {
  server: TestServer;
  admin: ApiClient;
  planner: ApiClient;
  customer: ApiClient;
  product: string;
  operator: string;
  supervisor: string;
  station(role: StationRole): Promise<E2eStation>;
  stop(): Promise<void>;
}

/** The station UI (renderer/), built once per source state for every station test file. */
export const buildStationUi = (): Promise<string> => buildAppOnce('renderer');

export async function startPlant(): Promise<E2ePlant> {
  const uiDir = await buildStationUi();
  const server = await startTestServer('sqlite');
  const admin = await server.userClient('admin');
  const planner = await server.userClient('planner');
  const customer = await server.userClient('customer');
  // A bilingual plant: materials and steps named in Chinese too, as the stations show them.
  const bilingual = {
    ...OAK_TABLE,
    bom: OAK_TABLE.bom.map((item) => ({
      ...item,
      materialNameZh: item.resourceType === 'panel' ? '橡木桌面 160×90' : '橡木桌腿 72 厘米',
      stepZh: '组装',
    })),
  };
  const product = (await planner.post('/api/v1/products', bilingual)).body.code as string;
  await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  const system = { kind: 'system' as const, name: 'e2e' };
  const operator = await createBadge(server.context, system, { name: 'Zhao 赵', role: 'operator' });
  const supervisor = await createBadge(server.context, system, {
    name: 'Chen 陈',
    role: 'supervisor',
  });
  const stations: E2eStation[] = [];
  return {
    server,
    admin,
    planner,
    customer,
    product,
    operator: operator.code,
    supervisor: supervisor.code,
    async station(role) {
      const created = await admin.post('/api/v1/stations', {
        name: `e2e-${role}`,
        role,
        line: 'L1',
      });
      if (created.status !== 200) throw new Error(JSON.stringify(created.body));
      const dataDir = mkdtempSync(join(tmpdir(), `ordertrace-station-${role}-`));
      const pty = await socatPair();
      const start = (enrollCode?: string) =>
        runStation({
          dataDir,
          role,
          servers: [server.url],
          ...(enrollCode ? { enrollCode, trust: { fingerprint: server.tls.fingerprint } } : {}),
          scanner: ptyScanner(pty.port),
          port: 0,
          uiDir,
          pollMs: 300,
        });
      const running = await start(created.body.enrollmentCode as string);
      const station: E2eStation = {
        role,
        url: running.openUrl as string,
        dataDir,
        running,
        pty,
        scan: (text) => writeFileSync(pty.device, `${text}\r`),
        async restart() {
          await station.running.close();
          station.running = await start();
          station.url = station.running.openUrl as string;
        },
        async close() {
          await station.running.close();
          await pty.dispose();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
      stations.push(station);
      return station;
    },
    async stop() {
      for (const station of stations.splice(0)) await station.close();
      await server.stop();
    },
  };
}

/** Order → released to L1; its resources (by type) and units. */
export async function releasedOrder(plant: E2ePlant, quantity = 1) {
  const order = await plant.customer.post('/api/v1/orders', {
    lines: [{ product: plant.product, quantity }],
    shipTo: '上海市浦东新区张江路 88 号 王芳',
    carrier: 'SF Express 顺丰',
  });
  if (order.status !== 200) throw new Error(JSON.stringify(order.body));
  const released = await plant.planner.post(`/api/v1/orders/${order.body.id}/release`, {
    line: 'L1',
  });
  if (released.status !== 200) throw new Error(JSON.stringify(released.body));
  return {
    id: order.body.id as string,
    code: order.body.code as string,
    resources: released.body.resources as { code: string; resourceType: string }[],
    units: released.body.units as string[],
  };
}

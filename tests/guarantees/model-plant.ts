import type { ProductInput } from '#core/api/catalog.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BadgeRole } from '#core/api/plant.ts';
import { mintBadgeCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { STATION_ROLES, type StationRole } from '#core/orders/state-machine.ts';
import type { Station } from '#station/service/station.ts';
import type { SyncLink } from '#station/service/station-context.ts';
import type { ApiClient } from '../server/harness.ts';
import { consume, progress, type TestStation } from '../server/station-flow.ts';
import {
  enrolledReplica,
  openStation,
  stationOn,
  type RestartableServer,
  type TestReplica,
} from '../sync/sync-harness.ts';

/*
 * The plant the guarantees' model-based test drives: line L1 with one real station of each
 * role (Station over its own replica file, syncing over HTTPS with a real server), a table
 * (a top and two legs, assembled) and a chair (a seat, woven), and per run three fresh
 * orders: a mixed one and a chair on L1, a table on L2. Sync is driven by the test, so a
 * station's offline spells are exactly where the sequence puts them.
 */
export type ModelStation = StationRole;

type Target =
  | { kind: 'job'; order: number }
  | { kind: 'resource'; order: number; n: number }
  | { kind: 'unit'; order: number; n: number }
  | { kind: 'package'; order: number; n: number }
  | { kind: 'forged'; order: number }
  | { kind: BadgeRole | 'stranger' }
  | { kind: 'garbage'; text: string };

export type ModelCommand =
  | { do: 'scan'; station: ModelStation; target: Target; prefix: string }
  | { do: 'produce'; order: number; stopAfter: number }
  | { do: 'pack'; order: number; partial: boolean; override: boolean }
  | { do: 'ship'; order: number }
  | { do: 'progress'; step: string; units: number; override: boolean }
  | { do: 'close'; partial: boolean; override: boolean }
  | { do: 'dispatch' }
  | { do: 'clear' }
  | { do: 'logout'; station: ModelStation }
  | { do: 'offline'; station: ModelStation; online: boolean }
  | { do: 'sync'; station: ModelStation }
  | { do: 'restart'; station: ModelStation }
  | { do: 'rogue'; order: number; claim: string }
  | { do: 'lie'; order: number; claim: string };

/** Stations that push raw claims: one of another line, and one of L1 per role whose software lies. */
export interface ClaimStations {
  rogue: TestStation;
  liars: Record<ModelStation, TestStation>;
}

/** A product of the model: only its bill of materials matters (what a station consumes). */
const modelProduct = (
  kind: string,
  kindZh: string,
  material: string,
  bom: ProductInput['bom'],
): ProductInput => ({
  nameEn: `Model ${kind}`,
  nameZh: `模型${kindZh}`,
  descriptionEn: `A ${kind} for the model test.`,
  descriptionZh: `测试用${kindZh}子。`,
  attributes: { material },
  bom,
});
const TABLE = modelProduct('table', '桌', 'oak', [
  { resourceType: 'top', materialName: 'Top', quantityPerUnit: 1, step: 'assembly' },
  { resourceType: 'leg', materialName: 'Leg', quantityPerUnit: 2, step: 'assembly' },
]);
const CHAIR = modelProduct('chair', '椅', 'rattan', [
  { resourceType: 'seat', materialName: 'Seat', quantityPerUnit: 1, step: 'weaving' },
]);

interface Released {
  id: string;
  code: string;
  resources: string[];
  units: string[];
}

/** One station of the line: its replica and sync, the Station on it, and whether it is online. */
class Bench {
  station!: Station;
  online = true;
  constructor(
    readonly role: ModelStation,
    public replica: TestReplica,
  ) {}

  async open(): Promise<void> {
    const sync = this.replica.sync;
    // The verdict rules ask the link whether the replica is current: live while online.
    const link: SyncLink = {
      kick: () => undefined,
      status: () => ({ ...sync.status(), link: this.online ? 'live' : 'offline' }),
      on: () => link,
    };
    this.station = stationOn(this.replica, this.role, link);
    await this.station.start();
  }

  async sync(): Promise<void> {
    if (!this.online) return;
    await this.replica.sync.pullAll().catch(() => undefined);
    await this.replica.sync.pushAll().catch(() => undefined);
    await this.replica.sync.pullAll().catch(() => undefined);
  }

  /** A restart: everything closed, the same replica file opened again. */
  async restart(): Promise<void> {
    const { file, enrollment } = this.replica;
    await this.replica.close();
    this.replica = openStation(file, enrollment);
    await this.open();
  }
}

export class ModelPlant {
  private constructor(
    readonly server: RestartableServer,
    readonly admin: ApiClient,
    private readonly planner: ApiClient,
    private readonly customer: ApiClient,
    private readonly products: { table: string; chair: string },
    readonly badges: { operator: string; supervisor: string },
    readonly benches: Record<ModelStation, Bench>,
  ) {}

  static async create(server: RestartableServer): Promise<ModelPlant> {
    const [admin, planner, customer] = await server.userClients('admin', 'planner', 'customer');
    await admin.post('/api/v1/lines', { name: 'L1' });
    await admin.post('/api/v1/lines', { name: 'L2' });
    const table = (await planner.post('/api/v1/products', TABLE)).body.code as string;
    const chair = (await planner.post('/api/v1/products', CHAIR)).body.code as string;
    const badge = async (role: string) =>
      (await admin.post('/api/v1/badges', { name: role, role })).body.code as string;
    const badges = { operator: await badge('operator'), supervisor: await badge('supervisor') };
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-model-'));
    const benches = {} as Record<ModelStation, Bench>;
    for (const role of STATION_ROLES) {
      const replica = await enrolledReplica(
        server,
        admin,
        role,
        'L1',
        mkdtempSync(join(dir, role)),
      );
      await replica.sync.bootstrap();
      benches[role] = new Bench(role, replica);
      await benches[role].open();
    }
    return new ModelPlant(server, admin, planner, customer, { table, chair }, badges, benches);
  }

  private async release(lines: { product: string; quantity: number }[], line: string) {
    const order = await this.customer.post('/api/v1/orders', { lines, shipTo: 'Suzhou 苏州' });
    const released = await this.planner.post(`/api/v1/orders/${order.body.id}/release`, { line });
    if (released.status !== 200) throw new Error(JSON.stringify(released.body));
    return {
      id: order.body.id as string,
      code: order.body.code as string,
      resources: (released.body.resources as { code: string }[]).map((r) => r.code),
      units: released.body.units as string[],
    };
  }

  /** Fresh orders for one sequence; the stations carry on from where the last one left them. */
  async newRun(): Promise<ModelRun> {
    const { table, chair } = this.products;
    const orders = [
      await this.release(
        [
          { product: table, quantity: 1 },
          { product: chair, quantity: 1 },
        ],
        'L1',
      ),
      await this.release([{ product: chair, quantity: 1 }], 'L1'),
      await this.release([{ product: table, quantity: 1 }], 'L2'),
    ];
    for (const bench of Object.values(this.benches)) {
      bench.online = true;
      await bench.sync();
      // A line stop left by the last sequence is cleared, as a supervisor would.
      bench.station.login(this.badges.operator);
      if (bench.station.state().lineStop)
        await bench.station.clearLineStop(this.badges.supervisor, 'start of a new sequence');
    }
    return new ModelRun(this, orders);
  }

  async close(): Promise<void> {
    for (const bench of Object.values(this.benches)) await bench.replica.close();
  }
}

export class ModelRun {
  constructor(
    private readonly plant: ModelPlant,
    private readonly orders: Released[],
  ) {}

  get orderIds(): string[] {
    return this.orders.map((o) => o.id);
  }

  private order(index: number): Released {
    return this.orders[index % this.orders.length]!;
  }

  private text(target: Target): string {
    const { operator, supervisor } = this.plant.badges;
    switch (target.kind) {
      case 'job':
        return this.order(target.order).code;
      case 'resource': {
        const resources = this.order(target.order).resources;
        return resources[target.n % resources.length]!;
      }
      case 'unit': {
        const units = this.order(target.order).units;
        return units[target.n % units.length]!;
      }
      case 'package':
        return mintOrderScopedCode('package', this.order(target.order).code, target.n);
      case 'forged':
        return mintOrderScopedCode('resource', this.order(target.order).code, 900);
      case 'operator':
        return operator;
      case 'supervisor':
        return supervisor;
      case 'stranger':
        return mintBadgeCode();
      case 'garbage':
        return target.text;
    }
  }

  private withPrefix(text: string, prefix: string): string {
    if (prefix === 'lower') return text.toLowerCase();
    return `${prefix}${text}`;
  }

  private get benches() {
    return this.plant.benches;
  }

  async perform(command: ModelCommand, claims: ClaimStations): Promise<void> {
    const { production, packing, shipping } = this.benches;
    const supervisorOverride = {
      badge: this.plant.badges.supervisor,
      reason: 'agreed with the customer',
    };
    switch (command.do) {
      case 'scan':
        this.benches[command.station].station.scan(
          this.withPrefix(this.text(command.target), command.prefix),
        );
        return;
      case 'produce': {
        const order = this.order(command.order);
        const station = production.station;
        station.login(this.plant.badges.operator);
        station.scan(order.code);
        const scanned = order.resources.slice(0, Math.max(1, command.stopAfter + 2));
        for (const resource of scanned) station.scan(resource);
        if (scanned.length < order.resources.length) return;
        for (const step of station.state().order?.steps ?? [])
          station.reportProgress(step, station.state().order?.stepUnits[step] ?? 1);
        return;
      }
      case 'pack': {
        const order = this.order(command.order);
        const station = packing.station;
        station.login(this.plant.badges.operator);
        const units = command.partial ? order.units.slice(0, 1) : order.units;
        for (const unit of units) station.scan(unit);
        await station.closePackage({
          partial: command.partial,
          ...(command.override ? { override: supervisorOverride } : {}),
        });
        const pending = station.state().packing.awaitingVerify;
        if (pending) station.scan(pending.package);
        return;
      }
      case 'ship': {
        const order = this.order(command.order);
        const station = shipping.station;
        station.login(this.plant.badges.operator);
        for (let n = 1; n <= 3; n++) station.scan(mintOrderScopedCode('package', order.code, n));
        if (station.state().shipping.blocked) station.dismissBlock();
        station.dispatch();
        return;
      }
      case 'progress':
        production.station.reportProgress(
          command.step,
          command.units,
          command.override ? supervisorOverride : undefined,
        );
        return;
      case 'close':
        await packing.station.closePackage({
          partial: command.partial,
          ...(command.override ? { override: supervisorOverride } : {}),
        });
        return;
      case 'dispatch':
        shipping.station.dispatch();
        return;
      case 'clear':
        await production.station.clearLineStop(
          this.plant.badges.supervisor,
          'moved back to its bin',
        );
        return;
      case 'logout':
        this.benches[command.station].station.logout();
        return;
      case 'offline':
        this.benches[command.station].online = command.online;
        return;
      case 'sync':
        await this.benches[command.station].sync();
        return;
      case 'restart':
        await this.benches[command.station].restart();
        return;
      case 'rogue':
        await claims.rogue.push([this.rogueClaim(claims.rogue, command.order, command.claim)]);
        return;
      case 'lie': {
        const [role, event] = this.lie(claims.liars, command.order, command.claim);
        await claims.liars[role].push([event]);
        return;
      }
    }
  }

  /**
   * A claim from an L1 station whose software skipped its own checks: finished without
   * materials, a last package with units missing, a dispatch of a package never closed, a
   * resource never issued, a consumption twice. The server alone must refuse them.
   */
  private lie(liars: Record<ModelStation, TestStation>, index: number, claim: string) {
    const order = this.order(index % 2);
    const { production, packing, shipping } = liars;
    switch (claim) {
      case 'finished':
        return [
          'production',
          progress(production, order.code, order.units.length, order.units.length),
        ] as const;
      case 'close':
        return [
          'packing',
          packing.event({
            type: 'package.closed',
            order: order.code,
            package: mintOrderScopedCode('package', order.code, 7),
            sscc: null,
            units: order.units.slice(0, 1),
            number: 7,
            of: 7,
          }),
        ] as const;
      case 'dispatch':
        return [
          'shipping',
          shipping.event({
            type: 'package.dispatched',
            order: order.code,
            package: mintOrderScopedCode('package', order.code, 1),
            carrier: null,
          }),
        ] as const;
      case 'forged':
        return [
          'production',
          consume(production, order.code, mintOrderScopedCode('resource', order.code, 901)),
        ] as const;
      default:
        return ['production', consume(production, order.code, order.resources[0]!)] as const;
    }
  }

  /** A claim from a production station of line L2: about L1's orders, or beyond its role. */
  private rogueClaim(rogue: TestStation, index: number, claim: string) {
    const l1 = this.order(index % 2);
    const own = this.orders[2]!;
    switch (claim) {
      case 'consume':
        return consume(rogue, l1.code, l1.resources[0]!);
      case 'finished':
        return rogue.event({
          type: 'progress.reported',
          order: l1.code,
          step: 'finished',
          unitsDone: l1.units.length,
          unitsOrdered: l1.units.length,
        });
      case 'close':
        return rogue.event({
          type: 'package.closed',
          order: l1.code,
          package: mintOrderScopedCode('package', l1.code, 1),
          sscc: null,
          units: l1.units,
          number: 1,
          of: 1,
        });
      case 'dispatch':
        return rogue.event({
          type: 'package.dispatched',
          order: l1.code,
          package: mintOrderScopedCode('package', l1.code, 1),
          carrier: null,
        });
      case 'wrong-role':
        return rogue.event({
          type: 'package.dispatched',
          order: own.code,
          package: mintOrderScopedCode('package', own.code, 1),
          carrier: null,
        });
      case 'badge':
        return { ...consume(rogue, own.code, own.resources[0]!), operator: mintBadgeCode() };
      default:
        return {
          ...rogue.event({ type: 'order.loaded', order: own.code }),
          stationTime: new Date(Date.now() + 86_400_000).toISOString(),
        };
    }
  }

  /** Everything online and pushed, every replica current. */
  async settle(): Promise<void> {
    for (let round = 0; round < 2; round++)
      for (const bench of Object.values(this.benches)) {
        bench.online = true;
        await bench.sync();
      }
  }
}

import { randomBytes } from 'node:crypto';
import type { UserRole } from '#core/api/auth.ts';
import { FINISHED_STEP, PROTOCOL_VERSION } from '#core/api/sync.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEventBody } from '#core/events/station-events.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import type { Caller, ServerContext } from '../context.ts';
import type { IssuedBadge } from '#core/api/plant.ts';
import { createBadge } from '../stations/badges.ts';
import { createProduct } from '../catalog/catalog.ts';
import { ingestEvents } from '../station-events/ingest.ts';
import { changeOrderState, chooseCandidates, submitOrder } from '../orders/orders.ts';
import { recordReceipt } from '../orders/receipts.ts';
import { releaseOrder } from '../orders/release.ts';
import { createLine, createStation, stationForToken, enrollStation } from '../stations/stations.ts';
import { createUser } from '../auth/users.ts';
import { DEMO_PRODUCTS } from './catalog.ts';

/** The one password of every demo person: this is a demonstration, printed on the console. */
export const DEMO_PASSWORD = 'ordertrace-demo';

export const DEMO_USERS: { email: string; name: string; role: UserRole }[] = [
  { email: 'admin@demo.ordertrace', name: '管理员', role: 'admin' },
  { email: 'planner@demo.ordertrace', name: '李娜', role: 'planner' },
  { email: 'service@demo.ordertrace', name: '张伟', role: 'customer_service' },
  { email: 'supervisor@demo.ordertrace', name: '陈杰', role: 'supervisor' },
  { email: 'wang.fang@demo.ordertrace', name: '王芳', role: 'customer' },
  { email: 'kaming@demo.ordertrace', name: '陈嘉明', role: 'customer' },
];

export interface DemoSummary {
  users: typeof DEMO_USERS;
  password: string;
  badges: { code: string; name: string; role: string }[];
  orders: { code: string | null; state: string }[];
}

const system: Caller = { kind: 'system', name: 'demo-seed' };

/** True when the storage has no people yet: the only time `npm start` seeds. */
export async function isEmpty(context: ServerContext): Promise<boolean> {
  const row = await context.storage.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}

/**
 * A realistic demo plant: catalog with bills of materials, people, two lines, badges, and
 * orders at every stage of the lifecycle, each brought there by the same services and
 * station events real use would produce (so the event history and audit log are real).
 */
export async function seedDemo(context: ServerContext): Promise<DemoSummary> {
  const users = new Map<string, Caller>();
  for (const user of DEMO_USERS) {
    const created = await createUser(context, system, { ...user, password: DEMO_PASSWORD });
    users.set(user.role === 'customer' ? user.email : user.role, { kind: 'user', ...created });
  }
  const planner = users.get('planner') as Caller;
  const admin = users.get('admin') as Caller;
  const wang = users.get('wang.fang@demo.ordertrace') as Caller;
  const kaming = users.get('kaming@demo.ordertrace') as Caller;
  const products = [];
  for (const product of DEMO_PRODUCTS)
    products.push(await createProduct(context, planner, product));
  const [oakTable, walnutTable, oakChair, sofa, shelf] = products.map((p) => p.code) as [
    string,
    string,
    string,
    string,
    string,
  ];
  await createLine(context, admin, 'L1', '苏州');
  await createLine(context, admin, 'L2', '苏州');

  const badges = [
    await createBadge(context, admin, { name: '操作员 赵强', role: 'operator' }),
    await createBadge(context, admin, { name: '主管 陈杰', role: 'supervisor' }),
  ];

  const [operator] = badges as [IssuedBadge, IssuedBadge];
  // Stations that brought the later orders where they are (the plant's live stations are enrolled separately).
  const station = async (role: StationRole) => {
    const created = await createStation(context, admin, {
      name: `demo-history-${role}-${randomBytes(2).toString('hex')}`,
      role,
      line: 'L1',
    });
    const { token } = await enrollStation(context, created.enrollmentCode);
    const caller = (await stationForToken(context, token)) as Extract<Caller, { kind: 'station' }>;
    let seq = 0;
    const nextId = createUuidV7Generator();
    return (bodies: StationEventBody[]) =>
      ingestEvents(context, caller, {
        protocol: PROTOCOL_VERSION,
        outboxDepth: 0,
        events: bodies.map((body) => ({
          id: nextId(),
          stationId: caller.id,
          seq: ++seq,
          operator: operator.code,
          stationTime: context.now().toISOString(),
          body,
        })),
      });
  };
  const production = await station('production');
  const packing = await station('packing');
  const shipping = await station('shipping');

  const shipTo = [
    '上海市浦东新区张江路 88 号 3 号楼 502 室 王芳 138-0000-0000',
    '香港湾仔港湾道 12 号 陈嘉明',
  ];
  const order = (
    customer: Caller,
    lines: { product: string; quantity: number }[],
    ref: string,
    to = 0,
  ) =>
    submitOrder(context, customer, {
      lines,
      shipTo: shipTo[to] as string,
      customerReference: ref,
      carrier: '顺丰速运',
    });

  // submitted → awaiting choice: "like the oak table, but walnut"
  await submitOrder(context, wang, {
    lines: [{ similarTo: oakTable, differences: '想要胡桃木的，不要橡木', quantity: 1 }],
    shipTo: shipTo[0] as string,
  });
  // → customer service: nothing in the catalog is close
  await submitOrder(context, kaming, {
    lines: [{ similarTo: sofa, differences: '给孩子的摇摇马，漆成红色', quantity: 2 }],
    shipTo: shipTo[1] as string,
  });
  // confirmed
  await order(wang, [{ product: oakChair, quantity: 6 }], 'WF-2026-031');
  // chosen from candidates, then released
  const chosen = await submitOrder(context, wang, {
    lines: [{ similarTo: oakTable, differences: '胡桃木', quantity: 1 }],
    shipTo: shipTo[0] as string,
  });
  await chooseCandidates(context, wang, chosen.id, [
    { position: 1, product: chosen.lines[0]?.candidates[0]?.product ?? walnutTable },
  ]);
  await releaseOrder(context, planner, chosen.id, 'L1');
  // in production, with some resources consumed and progress reported
  const running = await releaseOrder(
    context,
    planner,
    (await order(kaming, [{ product: oakTable, quantity: 2 }], 'OB-77', 1)).id,
    'L1',
  );
  const runningCode = running.order.code as string;
  await production([
    { type: 'order.loaded', order: runningCode },
    ...running.resources.slice(0, 5).map((r) => ({
      type: 'scan.decided' as const,
      role: 'production' as const,
      currentOrder: runningCode,
      scanned: r.code,
      scannedOrder: runningCode,
      verdict: 'accepted' as const,
      reason: 'Resource of this order, required, not yet consumed.',
      effect: { kind: 'consume' as const, resource: r.code },
    })),
    {
      type: 'progress.reported',
      order: runningCode,
      step: 'assembly',
      unitsDone: 1,
      unitsOrdered: 2,
    },
  ]);
  // on hold
  const held = await releaseOrder(
    context,
    planner,
    (await order(wang, [{ product: shelf, quantity: 1 }], 'WF-2026-032')).id,
    'L1',
  );
  await changeOrderState(context, planner, held.order.id, 'hold', '白蜡木到货含水率检验不合格');
  // produced, packed, shipped, delivered, and a rejected receipt
  const finished: string[] = [];
  for (const [customer, product, ref, to] of [
    [wang, walnutTable, 'WF-2026-020', 0],
    [kaming, oakChair, 'OB-70', 1],
    [wang, sofa, 'WF-2026-012', 0],
    // Wang Fang's is delivered: her phone shows the problem report (docs/screens).
    [wang, oakTable, 'WF-2026-007', 0],
    [kaming, shelf, 'OB-61', 1],
  ] as const) {
    const released = await releaseOrder(
      context,
      planner,
      (await order(customer, [{ product, quantity: 1 }], ref, to)).id,
      'L1',
    );
    finished.push(released.order.id);
    const code = released.order.code as string;
    await production([
      ...released.resources.map((r) => ({
        type: 'scan.decided' as const,
        role: 'production' as const,
        currentOrder: code,
        scanned: r.code,
        scannedOrder: code,
        verdict: 'accepted' as const,
        reason: 'Resource of this order, required, not yet consumed.',
        effect: { kind: 'consume' as const, resource: r.code },
      })),
      {
        type: 'progress.reported',
        order: code,
        step: FINISHED_STEP,
        unitsDone: 1,
        unitsOrdered: 1,
      },
    ]);
    if (finished.length === 1) continue; // produced
    const pkg = mintOrderScopedCode('package', code, 1);
    await packing([
      {
        type: 'package.closed',
        order: code,
        package: pkg,
        sscc: null,
        units: released.units,
        number: 1,
        of: 1,
      },
    ]);
    if (finished.length === 2) continue; // packed
    await shipping([
      { type: 'package.dispatched', order: code, package: pkg, carrier: '顺丰速运' },
    ]);
    if (finished.length === 3) continue; // shipped
    await recordReceipt(
      context,
      customer,
      finished.length === 4
        ? { verdict: 'confirm', package: pkg }
        : {
            verdict: 'reject',
            package: pkg,
            reason: '桌面运输中划伤',
          },
    );
  }
  // cancelled
  const cancelled = await order(kaming, [{ product: oakChair, quantity: 4 }], 'OB-80', 1);
  await changeOrderState(context, kaming, cancelled.id, 'cancel', '数量下错了');

  const orders = await context.storage.db
    .selectFrom('orders')
    .select(['code', 'state'])
    .orderBy('created_at')
    .execute();
  return { users: DEMO_USERS, password: DEMO_PASSWORD, badges, orders };
}

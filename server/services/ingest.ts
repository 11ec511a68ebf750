import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import {
  FINISHED_STEP,
  SUPPORTED_PROTOCOLS,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '#core/api/sync.ts';
import { parseCode } from '#core/codes/formats.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { OrderAction } from '#core/orders/state-machine.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError, forbidden } from '../errors.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable } from '../storage/schema.ts';
import { appendChanges } from './change-log.ts';
import { raiseException } from './exceptions.ts';
import { applyOrderAction } from './order-state.ts';
import { resourceReplica, unitReplica } from './release.ts';
import { touchStation } from './stations.ts';

type StationCaller = Extract<Caller, { kind: 'station' }>;

/** The payload hash: the event re-serialised from its parsed form, so key order is the schema's. */
export const payloadHash = (event: StationEvent): string =>
  createHash('sha256').update(JSON.stringify(event)).digest('hex');

/** Highest n such that this station's events 1..n are all stored: from our own table, never trusted from the station. */
export async function ackedThrough(db: Db, stationId: string): Promise<number> {
  const { count, max } = (await db
    .selectFrom('events')
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.max<number | null>('seq').as('max'),
    ])
    .where('station_id', '=', stationId)
    .executeTakeFirstOrThrow()) as { count: number; max: number | null };
  if (!max || Number(count) === Number(max)) return Number(max ?? 0);
  const gap = await sql<{ seq: number | null }>`
    SELECT MIN(e.seq) AS seq FROM events e
    WHERE e.station_id = ${stationId}
      AND NOT EXISTS (SELECT 1 FROM events f WHERE f.station_id = e.station_id AND f.seq = e.seq + 1)`.execute(
    db,
  );
  const hasFirst = await db
    .selectFrom('events')
    .select('seq')
    .where('station_id', '=', stationId)
    .where('seq', '=', 1)
    .executeTakeFirst();
  return hasFirst ? Number(gap.rows[0]?.seq ?? 0) : 0;
}

interface Effects {
  orders: Set<string>;
}

/**
 * Take a batch of station events. The whole batch is checked first (schema at the route,
 * scope here): a batch with any event not from this station is refused whole. Each event
 * is then stored at most once, keyed by (station, seq) with a matching payload hash, and
 * applied; events that contradict the server's state are kept and raised as exceptions.
 */
export async function ingestEvents(
  context: ServerContext,
  caller: StationCaller,
  request: PushRequest,
): Promise<PushResponse> {
  if (!SUPPORTED_PROTOCOLS.includes(request.protocol)) {
    throw new AppError(
      'OT_ERR_PROTOCOL',
      `Sync protocol ${request.protocol} is not supported; this server speaks ${SUPPORTED_PROTOCOLS.join(', ')}. Update the station.`,
    );
  }
  const foreign = request.events.find((event) => event.stationId !== caller.id);
  if (foreign)
    throw forbidden(
      `Event ${foreign.id} belongs to station ${foreign.stationId}, not to this station.`,
    );

  const { db, kind } = context.storage;
  const now = context.now();
  const effects: Effects = { orders: new Set() };
  const results = await db.transaction().execute(async (trx) => {
    const out: PushResult[] = [];
    for (const event of [...request.events].sort((a, b) => a.seq - b.seq)) {
      out.push(await ingestOne(trx, kind, now, caller, event, effects));
    }
    return out;
  });
  await touchStation(context, caller.id, request.outboxDepth);
  for (const orderId of effects.orders) context.live.publish(`order:${orderId}`);
  if (effects.orders.size > 0) context.live.publish('changes');
  return {
    results,
    ackedThrough: await ackedThrough(db, caller.id),
    serverTime: now.toISOString(),
  };
}

async function ingestOne(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: StationCaller,
  event: StationEvent,
  effects: Effects,
): Promise<PushResult> {
  const hash = payloadHash(event);
  const base = { id: event.id, seq: event.seq };
  const bySeq = await db
    .selectFrom('events')
    .select(['id', 'payload_hash'])
    .where('station_id', '=', caller.id)
    .where('seq', '=', event.seq)
    .executeTakeFirst();
  if (bySeq) {
    if (bySeq.payload_hash === hash && bySeq.id === event.id)
      return { ...base, status: 'duplicate' };
    return {
      ...base,
      status: 'rejected',
      reason: `Sequence ${event.seq} is already held with a different event; the station's outbox and the server disagree.`,
    };
  }
  if (await db.selectFrom('events').select('id').where('id', '=', event.id).executeTakeFirst()) {
    return {
      ...base,
      status: 'rejected',
      reason: `Event id ${event.id} is already held under another sequence number.`,
    };
  }
  const body = event.body;
  const orderCode =
    'order' in body
      ? body.order
      : body.type === 'scan.decided'
        ? (body.scannedOrder ?? body.currentOrder)
        : null;
  await db
    .insertInto('events')
    .values({
      id: event.id,
      station_id: caller.id,
      seq: event.seq,
      payload_hash: hash,
      type: body.type,
      order_code: orderCode,
      verdict: body.type === 'scan.decided' ? body.verdict : null,
      body: JSON.stringify(event),
      operator: event.operator,
      station_time: event.stationTime,
      server_time: now.toISOString(),
    })
    .execute();
  await applyEvent(db, kind, now, caller, event, effects);
  return { ...base, status: 'accepted' };
}

async function orderByCode(db: Db, code: string | null): Promise<OrdersTable | undefined> {
  if (!code) return undefined;
  return db.selectFrom('orders').selectAll().where('code', '=', code).executeTakeFirst();
}

/** The production chain: a station's fact about a later stage implies the earlier ones. */
const CHAIN: readonly OrderState[] = ['released', 'in_production', 'produced', 'packed', 'shipped'];
const CHAIN_ACTIONS: readonly OrderAction[] = [
  'start_production',
  'finish_production',
  'pack',
  'ship',
];

/**
 * Bring the order up to `target` along the chain (a package closed while the server still
 * thinks the order is released means production happened). Where the lifecycle does not
 * allow it (held, cancelled) the fact stands and people are told.
 */
async function advanceTo(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: StationCaller,
  order: OrdersTable,
  target: OrderState,
  event: StationEvent,
): Promise<OrdersTable> {
  let current = order;
  for (;;) {
    const index = CHAIN.indexOf(current.state as OrderState);
    if (index !== -1 && index >= CHAIN.indexOf(target)) return current;
    const action = CHAIN_ACTIONS[index];
    if (!action) {
      await raiseException(db, now, {
        kind: 'conflict',
        orderCode: order.code,
        stationId: caller.id,
        eventId: event.id,
        description: `Station ${caller.name} reported ${event.body.type}, but the order is ${current.state.replace('_', ' ')}.`,
      });
      return current;
    }
    current = await applyOrderAction(db, kind, now, caller, current, action, { event: event.id });
  }
}

async function applyEvent(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: StationCaller,
  event: StationEvent,
  effects: Effects,
): Promise<void> {
  const body = event.body;
  switch (body.type) {
    case 'scan.decided': {
      if (body.verdict === 'line_stop') {
        await raiseException(db, now, {
          kind: 'line_stop',
          orderCode: body.currentOrder,
          stationId: caller.id,
          eventId: event.id,
          description: `Line stopped at ${caller.name}: scanned ${body.scanned} (${body.reason})`,
        });
        return;
      }
      if (body.verdict !== 'accepted' || body.role !== 'production') return;
      const scanned = parseCode(body.scanned);
      if (!scanned.valid || scanned.kind !== 'resource') return;
      const resource = await db
        .selectFrom('resources')
        .selectAll()
        .where('code', '=', scanned.code)
        .executeTakeFirst();
      const order = await orderByCode(db, scanned.order ?? null);
      if (!resource || !order) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: scanned.order ?? null,
          stationId: caller.id,
          eventId: event.id,
          description: `Station ${caller.name} consumed ${scanned.code}, which the server does not know.`,
        });
        return;
      }
      if (resource.consumed_at) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: order.code,
          stationId: caller.id,
          eventId: event.id,
          description: `Resource ${resource.code} was consumed twice: by ${resource.consumed_by} at ${resource.consumed_at}, and by ${caller.name} at ${event.stationTime}.`,
        });
        return;
      }
      const consumed = {
        ...resource,
        consumed_at: event.stationTime,
        consumed_by: caller.name,
        consumed_event_id: event.id,
      };
      await db
        .updateTable('resources')
        .set({
          consumed_at: consumed.consumed_at,
          consumed_by: consumed.consumed_by,
          consumed_event_id: event.id,
        })
        .where('code', '=', resource.code)
        .execute();
      await appendChanges(db, kind, now, [
        {
          entity: 'resource',
          key: resource.code,
          lineId: order.line_id,
          data: resourceReplica(consumed, order.code as string),
        },
      ]);
      if (order.state === 'released') {
        await advanceTo(db, kind, now, caller, order, 'in_production', event);
      }
      effects.orders.add(order.id);
      return;
    }
    case 'line.cleared': {
      await db
        .updateTable('exceptions')
        .set({
          status: 'cleared',
          resolution_note: body.reason,
          resolved_by: body.supervisor,
          resolved_at: event.stationTime,
        })
        .where('kind', '=', 'line_stop')
        .where('station_id', '=', caller.id)
        .where('status', '=', 'open')
        .execute();
      return;
    }
    case 'progress.reported': {
      const order = await orderByCode(db, body.order);
      if (!order) return;
      const existing = await db
        .selectFrom('progress')
        .select('units_done')
        .where('order_id', '=', order.id)
        .where('step', '=', body.step)
        .executeTakeFirst();
      const row = {
        units_done: Math.max(existing?.units_done ?? 0, body.unitsDone),
        units_ordered: body.unitsOrdered,
        updated_at: now.toISOString(),
      };
      if (existing)
        await db
          .updateTable('progress')
          .set(row)
          .where('order_id', '=', order.id)
          .where('step', '=', body.step)
          .execute();
      else
        await db
          .insertInto('progress')
          .values({ order_id: order.id, step: body.step, ...row })
          .execute();
      const finished = body.step === FINISHED_STEP && row.units_done >= row.units_ordered;
      if (finished || order.state === 'released') {
        await advanceTo(
          db,
          kind,
          now,
          caller,
          order,
          finished ? 'produced' : 'in_production',
          event,
        );
      }
      effects.orders.add(order.id);
      return;
    }
    case 'package.closed': {
      const order = await orderByCode(db, body.order);
      if (!order) return;
      const existing = await db
        .selectFrom('packages')
        .select('code')
        .where('code', '=', body.package)
        .executeTakeFirst();
      if (existing) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: order.code,
          stationId: caller.id,
          eventId: event.id,
          description: `Package ${body.package} was closed twice.`,
        });
        return;
      }
      const packed = {
        code: body.package,
        order_id: order.id,
        serial: body.number,
        package_count: body.of,
        sscc: body.sscc,
        closed_at: event.stationTime,
        dispatched_at: null,
        dispatched_by: null,
        receipt: null,
        receipt_reason: null,
        receipt_at: null,
      };
      await db.insertInto('packages').values(packed).execute();
      const units = await db
        .selectFrom('units')
        .selectAll()
        .where('code', 'in', body.units)
        .execute();
      const twice = units.filter((unit) => unit.package_code && unit.package_code !== body.package);
      if (twice.length > 0) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: order.code,
          stationId: caller.id,
          eventId: event.id,
          description: `Units ${twice.map((u) => u.code).join(', ')} were packed into two packages.`,
        });
      }
      await db
        .updateTable('units')
        .set({ package_code: body.package })
        .where('code', 'in', body.units)
        .where('package_code', 'is', null)
        .execute();
      await appendChanges(db, kind, now, [
        {
          entity: 'package',
          key: body.package,
          lineId: order.line_id,
          data: {
            code: body.package,
            order: body.order,
            number: body.number,
            of: body.of,
            sscc: body.sscc,
            units: body.units,
            closedAt: event.stationTime,
            dispatchedAt: null,
          },
        },
        ...units.map((unit) => ({
          entity: 'unit' as const,
          key: unit.code,
          lineId: order.line_id,
          data: unitReplica(
            { ...unit, package_code: unit.package_code ?? body.package },
            body.order,
          ),
        })),
      ]);
      const closed = await db
        .selectFrom('packages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('order_id', '=', order.id)
        .where('closed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      if (Number(closed.n) >= body.of) {
        await advanceTo(db, kind, now, caller, order, 'packed', event);
      }
      effects.orders.add(order.id);
      return;
    }
    case 'package.dispatched': {
      const order = await orderByCode(db, body.order);
      const pkg = await db
        .selectFrom('packages')
        .selectAll()
        .where('code', '=', body.package)
        .executeTakeFirst();
      if (!order || !pkg) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: body.order,
          stationId: caller.id,
          eventId: event.id,
          description: `Station ${caller.name} dispatched package ${body.package}, which the server does not know.`,
        });
        return;
      }
      if (pkg.dispatched_at) {
        await raiseException(db, now, {
          kind: 'conflict',
          orderCode: order.code,
          stationId: caller.id,
          eventId: event.id,
          description: `Package ${pkg.code} was dispatched twice: by ${pkg.dispatched_by} at ${pkg.dispatched_at}, and by ${caller.name} at ${event.stationTime}.`,
        });
        return;
      }
      await db
        .updateTable('packages')
        .set({ dispatched_at: event.stationTime, dispatched_by: caller.name })
        .where('code', '=', pkg.code)
        .execute();
      const open = await db
        .selectFrom('packages')
        .select('code')
        .where('order_id', '=', order.id)
        .where('dispatched_at', 'is', null)
        .executeTakeFirst();
      const all = await db
        .selectFrom('packages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('order_id', '=', order.id)
        .executeTakeFirstOrThrow();
      if (!open && Number(all.n) >= pkg.package_count) {
        await advanceTo(db, kind, now, caller, order, 'shipped', event);
      }
      await appendChanges(db, kind, now, [
        {
          entity: 'package',
          key: pkg.code,
          lineId: order.line_id,
          data: {
            code: pkg.code,
            order: order.code,
            number: pkg.serial,
            of: pkg.package_count,
            sscc: pkg.sscc,
            closedAt: pkg.closed_at,
            dispatchedAt: event.stationTime,
          },
        },
      ]);
      effects.orders.add(order.id);
      return;
    }
    case 'order.loaded':
    case 'label.printed':
      return;
  }
}

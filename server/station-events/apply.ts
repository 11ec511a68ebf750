import { FINISHED_STEP } from '#core/orders/completeness.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import type { OrderAction, OrderState } from '#core/orders/state-machine.ts';
import type { Db } from '../context.ts';
import { packageRow, resourceRow, unitRow } from '../replication/rows.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable } from '../storage/schema.ts';
import { appendChanges } from '../replication/change-log.ts';
import { raiseException, type ExceptionInput } from '../back-office/exceptions.ts';
import { applyOrderAction } from '../orders/order-state.ts';
import type { StationCaller } from './checks.ts';
import { orderByCode, serverCompleteness } from './order-facts.ts';
import { recordIntegrationEvent } from '../integration/integration-events.ts';

/*
 * What one station event does to the server's state, once the checks (checks.ts) have passed:
 * one handler per event type. Every change of a replicated entity goes to the change log in
 * the same transaction (server/replication/rows.ts builds the rows).
 */

/** Orders whose live feeds must hear about this batch. */
export interface Effects {
  orders: Set<string>;
}

/** The event being applied, and where. */
export interface Facts {
  db: Db;
  kind: StorageKind;
  now: Date;
  caller: StationCaller;
  event: StationEvent;
}

/** The production chain: a station's fact about a later stage implies the earlier ones. */
const CHAIN: readonly OrderState[] = ['released', 'in_production', 'produced', 'packed', 'shipped'];
const CHAIN_ACTIONS: readonly OrderAction[] = [
  'start_production',
  'finish_production',
  'pack',
  'ship',
];

/** Bring the order up to `target` along the chain; the checks made sure it may get there. */
async function advanceTo(facts: Facts, order: OrdersTable, target: OrderState): Promise<void> {
  const { db, kind, now, caller, event } = facts;
  let current = order;
  for (;;) {
    const index = CHAIN.indexOf(current.state as OrderState);
    const action = CHAIN_ACTIONS[index];
    if (index === -1 || index >= CHAIN.indexOf(target) || !action) return;
    current = await applyOrderAction(db, kind, now, caller, current, action, { event: event.id });
  }
}

/** A supervisor let an incomplete step go on: the back office and the trace must see it. */
async function recordOverride(facts: Facts, orderCode: string, what: string): Promise<void> {
  const body = facts.event.body;
  if (!('override' in body) || !body.override) return;
  await raiseException(facts.db, facts.now, {
    kind: 'override',
    orderCode,
    stationId: facts.caller.id,
    eventId: facts.event.id,
    seq: facts.event.seq,
    description: `${what} at ${facts.caller.name}, overridden by supervisor ${body.override.supervisor}: ${body.override.reason}`,
  });
}

type Handler<T extends StationEventBody['type']> = (
  facts: Facts,
  body: Extract<StationEventBody, { type: T }>,
  effects: Effects,
) => Promise<void>;

/** The exception a scan that stopped the line raises, one-by-one or in a batch alike. */
export function lineStopException(
  caller: StationCaller,
  event: StationEvent,
  body: Extract<StationEventBody, { type: 'scan.decided' }>,
): ExceptionInput {
  return {
    kind: 'line_stop',
    orderCode: body.currentOrder,
    stationId: caller.id,
    eventId: event.id,
    seq: event.seq,
    description: `Line stopped at ${caller.name}: scanned ${body.scanned} (${body.reason})`,
  };
}

const scanDecided: Handler<'scan.decided'> = async (facts, body, effects) => {
  const { db, kind, now, caller, event } = facts;
  if (body.verdict === 'line_stop') {
    await raiseException(db, now, lineStopException(caller, event, body));
    return;
  }
  if (body.effect?.kind !== 'consume') return;
  const resource = await db
    .selectFrom('resources')
    .selectAll()
    .where('code', '=', body.effect.resource)
    .executeTakeFirstOrThrow();
  const order = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', resource.order_id)
    .executeTakeFirstOrThrow();
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
      data: resourceRow(consumed, order.code ?? ''),
    },
  ]);
  if (order.state === 'released') await advanceTo(facts, order, 'in_production');
  effects.orders.add(order.id);
};

const lineCleared: Handler<'line.cleared'> = async ({ db, now, caller, event }, body) => {
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
  await recordIntegrationEvent(db, now, {
    kind: 'line.cleared',
    orderCode: null,
    stationId: caller.id,
    data: { supervisor: body.supervisor, reason: body.reason, clearedAt: event.stationTime },
  });
};

const progressReported: Handler<'progress.reported'> = async (facts, body, effects) => {
  const { db, now } = facts;
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
  await recordOverride(
    facts,
    body.order,
    `${body.unitsDone} unit(s) reported through ${body.step} with materials missing`,
  );
  const finished = body.step === FINISHED_STEP && row.units_done >= row.units_ordered;
  if (finished || order.state === 'released') {
    await advanceTo(facts, order, finished ? 'produced' : 'in_production');
  }
  effects.orders.add(order.id);
};

const packageClosed: Handler<'package.closed'> = async (facts, body, effects) => {
  const { db, kind, now, event } = facts;
  const order = await orderByCode(db, body.order);
  if (!order) return;
  const closed = {
    code: body.package,
    order_id: order.id,
    serial: body.number,
    // 0: the order's package count is not known yet (only its last package names it).
    package_count: body.of ?? 0,
    sscc: body.sscc,
    closed_at: event.stationTime,
    dispatched_at: null,
    dispatched_by: null,
    receipt: null,
    receipt_reason: null,
    receipt_at: null,
  };
  await db.insertInto('packages').values(closed).execute();
  await db
    .updateTable('units')
    .set({ package_code: body.package })
    .where('code', 'in', body.units)
    .execute();
  const units = await db.selectFrom('units').selectAll().where('code', 'in', body.units).execute();
  const model = await serverCompleteness(db, order);
  // The last package: its number is the order's count, for every package of the order.
  const last = body.of !== null || model.units.remaining === 0;
  const count = body.of ?? body.number;
  if (last) {
    await db
      .updateTable('packages')
      .set({ package_count: count })
      .where('order_id', '=', order.id)
      .execute();
  }
  const packages = await db
    .selectFrom('packages')
    .selectAll()
    .where('order_id', '=', order.id)
    .execute();
  const changed = last ? packages : packages.filter((p) => p.code === body.package);
  await appendChanges(db, kind, now, [
    ...(await Promise.all(
      changed.map(async (pkg) => ({
        entity: 'package' as const,
        key: pkg.code,
        lineId: order.line_id,
        data: await packageRow(db, pkg, body.order),
      })),
    )),
    ...units.map((unit) => ({
      entity: 'unit' as const,
      key: unit.code,
      lineId: order.line_id,
      data: unitRow(unit, body.order),
    })),
  ]);
  await recordOverride(
    facts,
    body.order,
    `Package ${body.number} closed as the last one with units or materials missing`,
  );
  if (last) await advanceTo(facts, order, 'packed');
  effects.orders.add(order.id);
};

const packageDispatched: Handler<'package.dispatched'> = async (facts, body, effects) => {
  const { db, kind, now, caller, event } = facts;
  const order = await orderByCode(db, body.order);
  if (!order) return;
  await db
    .updateTable('packages')
    .set({ dispatched_at: event.stationTime, dispatched_by: caller.name })
    .where('code', '=', body.package)
    .execute();
  const pkg = await db
    .selectFrom('packages')
    .selectAll()
    .where('code', '=', body.package)
    .executeTakeFirstOrThrow();
  await appendChanges(db, kind, now, [
    {
      entity: 'package',
      key: pkg.code,
      lineId: order.line_id,
      data: await packageRow(db, pkg, body.order),
    },
  ]);
  const model = await serverCompleteness(db, order);
  if (model.packages.remaining === 0) await advanceTo(facts, order, 'shipped');
  effects.orders.add(order.id);
};

const nothing = async () => {};

/** Apply a checked event. */
export async function applyEvent(facts: Facts, effects: Effects): Promise<void> {
  const body = facts.event.body;
  switch (body.type) {
    case 'scan.decided':
      return scanDecided(facts, body, effects);
    case 'line.cleared':
      return lineCleared(facts, body, effects);
    case 'progress.reported':
      return progressReported(facts, body, effects);
    case 'package.closed':
      return packageClosed(facts, body, effects);
    case 'package.dispatched':
      return packageDispatched(facts, body, effects);
    case 'order.loaded':
    case 'label.printed':
      return nothing();
  }
}

import { FINISHED_STEP } from '#core/api/sync.ts';
import { parseCode } from '#core/codes/formats.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { OrderAction, OrderState } from '#core/orders/state-machine.ts';
import type { Caller, Db } from '../context.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable, PackagesTable } from '../storage/schema.ts';
import { appendChanges } from './change-log.ts';
import { raiseException } from './exceptions.ts';
import { applyOrderAction } from './order-state.ts';
import { resourceReplica, unitReplica } from './release.ts';

/*
 * What one accepted station event does to the server's state (docs/sync.md, "Facts, not
 * requests"). Events are facts: one that contradicts the server is kept, and raised as a
 * conflict exception for people to resolve, rather than refused.
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
  caller: Extract<Caller, { kind: 'station' }>;
  event: StationEvent;
}

const conflict = (facts: Facts, orderCode: string | null, description: string) =>
  raiseException(facts.db, facts.now, {
    kind: 'conflict',
    orderCode,
    stationId: facts.caller.id,
    eventId: facts.event.id,
    description,
  });

/** A package as stations replicate it, with the units it holds. */
async function packageReplica(
  db: Db,
  pkg: PackagesTable,
  orderCode: string,
): Promise<Record<string, unknown>> {
  const units = await db
    .selectFrom('units')
    .select('code')
    .where('package_code', '=', pkg.code)
    .orderBy('serial')
    .execute();
  return {
    code: pkg.code,
    order: orderCode,
    number: pkg.serial,
    of: pkg.package_count,
    sscc: pkg.sscc,
    units: units.map((unit) => unit.code),
    closedAt: pkg.closed_at,
    dispatchedAt: pkg.dispatched_at,
  };
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
  facts: Facts,
  order: OrdersTable,
  target: OrderState,
): Promise<OrdersTable> {
  const { db, kind, now, caller, event } = facts;
  let current = order;
  for (;;) {
    const index = CHAIN.indexOf(current.state as OrderState);
    if (index !== -1 && index >= CHAIN.indexOf(target)) return current;
    const action = CHAIN_ACTIONS[index];
    if (!action) {
      await conflict(
        facts,
        order.code,
        `Station ${caller.name} reported ${event.body.type}, but the order is ${current.state.replace('_', ' ')}.`,
      );
      return current;
    }
    current = await applyOrderAction(db, kind, now, caller, current, action, { event: event.id });
  }
}

export async function applyEvent(facts: Facts, effects: Effects): Promise<void> {
  const { db, kind, now, caller, event } = facts;
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
        await conflict(
          facts,
          scanned.order ?? null,
          `Station ${caller.name} consumed ${scanned.code}, which the server does not know.`,
        );
        return;
      }
      if (resource.consumed_at) {
        await conflict(
          facts,
          order.code,
          `Resource ${resource.code} was consumed twice: by ${resource.consumed_by} at ${resource.consumed_at}, and by ${caller.name} at ${event.stationTime}.`,
        );
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
        await advanceTo(facts, order, 'in_production');
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
        await advanceTo(facts, order, finished ? 'produced' : 'in_production');
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
        await conflict(facts, order.code, `Package ${body.package} was closed twice.`);
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
        await conflict(
          facts,
          order.code,
          `Units ${twice.map((u) => u.code).join(', ')} were packed into two packages.`,
        );
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
          data: await packageReplica(db, packed, body.order),
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
        await advanceTo(facts, order, 'packed');
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
        await conflict(
          facts,
          body.order,
          `Station ${caller.name} dispatched package ${body.package}, which the server does not know.`,
        );
        return;
      }
      if (pkg.dispatched_at) {
        await conflict(
          facts,
          order.code,
          `Package ${pkg.code} was dispatched twice: by ${pkg.dispatched_by} at ${pkg.dispatched_at}, and by ${caller.name} at ${event.stationTime}.`,
        );
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
        await advanceTo(facts, order, 'shipped');
      }
      await appendChanges(db, kind, now, [
        {
          entity: 'package',
          key: pkg.code,
          lineId: order.line_id,
          data: await packageReplica(
            db,
            { ...pkg, dispatched_at: event.stationTime },
            order.code as string,
          ),
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

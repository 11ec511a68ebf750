import type { MessageParams } from '#core/api/messages.ts';
import { sql } from 'kysely';
import type { PushResult } from '#core/api/sync.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { FINISHED_STEP } from '#core/orders/completeness.ts';
import type { OrderAction, OrderState } from '#core/orders/state-machine.ts';
import type { Db } from '../context.ts';
import { auditMany } from '../auth/audit.ts';
import {
  exceptionRaisedEvent,
  exceptionRow,
  type ExceptionInput,
} from '../back-office/exceptions.ts';
import {
  recordIntegrationEvents,
  type IntegrationEventInput,
} from '../integration/integration-events.ts';
import { stateChangedEvent, transitionDetail, transitionedOrder } from '../orders/order-state.ts';
import { appendChanges, type Change } from '../replication/change-log.ts';
import { resourceRow, unitRow } from '../replication/rows.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type {
  ExceptionsTable,
  OrdersTable,
  PackagesTable,
  ProgressTable,
  ResourcesTable,
  UnitsTable,
} from '../storage/schema.ts';
import { BatchFacts } from './batch-facts.ts';
import { checkClaim, checkEvent, type CheckContext, type StationCaller } from './checks.ts';
import { alreadyHeld, rejectionException, storedForm, takeEvent, type Held } from './ingest.ts';

/*
 * Set-based ingest (issue 13): a push of any mix of station events costs a fixed number of
 * statements whatever its size. The rows its events name are read once (batch-facts.ts);
 * each event is checked by the same checks as ever (checks.ts) and applied in memory, the
 * facts kept current for the next event (so each is judged as if the tables were asked at
 * its turn); then every table is written with one multi-row statement. What each event does
 * to the server's state, once checked:
 *
 * - `scan.decided`: a line stop raises a line-stop exception; a consumption marks the
 *   resource consumed (by whom, by which event) and sends its row; a released order starts
 *   production.
 * - `progress.reported`: the order's progress on the step (never lowered); an override is
 *   raised as an exception; the order goes in production, or produced once every unit is
 *   finished.
 * - `package.closed`: the package stored and its units packed, their rows sent; the last
 *   package (numbered "n of n", or the one packing the order's last units) gives every
 *   package of the order its count and the order goes packed.
 * - `package.dispatched`: the package dispatched (when, by which station); the order
 *   shipped once every package left.
 * - `line.cleared`: the station's open line stops cleared with the supervisor's reason.
 * - `order.loaded`, `label.printed`: nothing beyond the stored event.
 *
 * An order moved along the production chain gets, per step, its audit line, its row to the
 * line's stations and an `order.state_changed` for integrators (as applyOrderAction does).
 */

/** Orders whose live feeds must hear about this batch. */
export interface Effects {
  orders: Set<string>;
}

/** The production chain: a station's fact about a later stage implies the earlier ones. */
const CHAIN: readonly OrderState[] = ['released', 'in_production', 'produced', 'packed', 'shipped'];
const CHAIN_ACTIONS: readonly OrderAction[] = [
  'start_production',
  'finish_production',
  'pack',
  'ship',
];

/** The exception a scan that stopped the line raises. */
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
    message: {
      key: 'msg.line_stop',
      params: { station: caller.name, scanned: body.scanned, reason: body.reason },
    },
  };
}

export async function ingestBatch(
  db: Db,
  kind: StorageKind,
  now: Date,
  checks: Omit<CheckContext, 'facts'>,
  events: readonly StationEvent[],
  effects: Effects,
  held: Held,
): Promise<PushResult[]> {
  const { caller } = checks;
  // Rows are read for the events the checks that read nothing let through.
  const facts = await BatchFacts.read(
    db,
    events.filter((event) => checkClaim(checks, event) === null),
  );
  const context: CheckContext = { ...checks, facts };
  const batch = new BatchWrites(facts, caller, now, effects);
  const results: PushResult[] = [];
  for (const event of events) {
    const stored = storedForm(event);
    const answered = alreadyHeld(event, stored.hash, held);
    if (answered) {
      results.push(answered);
      continue;
    }
    const verdict = await checkEvent(context, event);
    if (verdict.ok) batch.apply(event);
    else batch.raise(rejectionException(caller, event, verdict));
    results.push(takeEvent(held, caller, now, event, stored, verdict));
  }
  await batch.write(db, kind);
  return results;
}

type Body<T extends StationEventBody['type']> = Extract<StationEventBody, { type: T }>;

/** What a batch changes, gathered in memory in the events' order, written at its end. */
class BatchWrites {
  private readonly consumed = new Map<string, ResourcesTable>();
  private readonly orders = new Map<string, OrdersTable>();
  private readonly newPackages = new Map<string, PackagesTable>();
  private readonly changedPackages = new Map<string, PackagesTable>();
  private readonly units = new Map<string, UnitsTable>();
  private readonly progress = new Map<string, ProgressTable>();
  private readonly exceptions: ExceptionsTable[] = [];
  /** The batch's first clear: it clears the line stops left open before the batch. */
  private clearsStored: Pick<
    ExceptionsTable,
    'status' | 'resolution_note' | 'resolved_by' | 'resolved_at'
  > | null = null;
  private readonly audits: Parameters<typeof auditMany>[3][number][] = [];
  private readonly changes: Change[] = [];
  /** In the order one-by-one would record them (exceptions' own among them). */
  private readonly integration: IntegrationEventInput[] = [];

  constructor(
    private readonly facts: BatchFacts,
    private readonly caller: StationCaller,
    private readonly now: Date,
    private readonly effects: Effects,
  ) {}

  raise(input: ExceptionInput): void {
    const row = exceptionRow(this.now, input);
    this.exceptions.push(row);
    this.integration.push(exceptionRaisedEvent(row));
  }

  /** Apply a checked event. */
  apply(event: StationEvent): void {
    const body = event.body;
    switch (body.type) {
      case 'scan.decided':
        return this.scanDecided(event, body);
      case 'line.cleared':
        return this.lineCleared(event, body);
      case 'progress.reported':
        return this.progressReported(event, body);
      case 'package.closed':
        return this.packageClosed(event, body);
      case 'package.dispatched':
        return this.packageDispatched(event, body);
      case 'order.loaded':
      case 'label.printed':
        return;
    }
  }

  /** The order an applied event names: the checks found it. */
  private orderOf(code: string): OrdersTable {
    const order = this.facts.ordersByCode.get(code);
    if (!order) throw new Error(`order ${code} unchecked`);
    return order;
  }

  private setOrder(order: OrdersTable): void {
    this.facts.setOrder(order);
    this.orders.set(order.id, order);
  }

  /** Bring the order up to `target` along the chain; the checks made sure it may get there. */
  private advanceTo(event: StationEvent, order: OrdersTable, target: OrderState): void {
    let current = order;
    for (;;) {
      const index = CHAIN.indexOf(current.state as OrderState);
      const action = CHAIN_ACTIONS[index];
      if (index === -1 || index >= CHAIN.indexOf(target) || !action) return;
      const updated = transitionedOrder(current, action, this.now);
      this.setOrder(updated);
      this.audits.push({
        action: `order.${action}`,
        entity: 'order',
        entityId: current.id,
        detail: transitionDetail(current, updated, { event: event.id }),
      });
      if (updated.code && updated.line_id)
        this.changes.push({
          entity: 'order',
          key: updated.code,
          lineId: updated.line_id,
          data: this.facts.orderRow(updated),
        });
      this.integration.push(stateChangedEvent(this.caller, current, updated, action));
      current = updated;
    }
  }

  /** A supervisor let an incomplete step go on: the back office and the trace must see it. */
  private recordOverride(
    event: StationEvent,
    orderCode: string,
    key: 'msg.override.progress' | 'msg.override.package',
    what: MessageParams,
  ): void {
    const body = event.body;
    if (!('override' in body) || !body.override) return;
    this.raise({
      kind: 'override',
      orderCode,
      stationId: this.caller.id,
      eventId: event.id,
      seq: event.seq,
      message: {
        key,
        params: {
          ...what,
          station: this.caller.name,
          supervisor: this.facts.badgeHolder(body.override.supervisor),
          badge: body.override.supervisor,
          reason: body.override.reason,
        },
      },
    });
  }

  private putPackage(pkg: PackagesTable): void {
    this.facts.putPackage(pkg);
    if (this.newPackages.has(pkg.code)) this.newPackages.set(pkg.code, pkg);
    else this.changedPackages.set(pkg.code, pkg);
  }

  private packageChange(pkg: PackagesTable, order: OrdersTable, orderCode: string): Change {
    return {
      entity: 'package',
      key: pkg.code,
      lineId: order.line_id,
      data: this.facts.packageRow(pkg, orderCode),
    };
  }

  private scanDecided(event: StationEvent, body: Body<'scan.decided'>): void {
    if (body.verdict === 'line_stop') {
      this.raise(lineStopException(this.caller, event, body));
      return;
    }
    if (body.effect?.kind !== 'consume') return;
    // The check found both: the resource, of this order.
    const resource = this.facts.resources.get(body.effect.resource);
    const order = resource && this.facts.ordersById.get(resource.order_id);
    if (!resource || !order) throw new Error(`consumed ${body.effect.resource} unchecked`);
    const after = {
      ...resource,
      consumed_at: event.stationTime,
      consumed_by: this.caller.name,
      consumed_event_id: event.id,
    };
    this.facts.consume(after);
    this.consumed.set(after.code, after);
    this.changes.push({
      entity: 'resource',
      key: after.code,
      lineId: order.line_id,
      data: resourceRow(after, order.code ?? ''),
    });
    if (order.state === 'released') this.advanceTo(event, order, 'in_production');
    this.effects.orders.add(order.id);
  }

  private lineCleared(event: StationEvent, body: Body<'line.cleared'>): void {
    const cleared = {
      status: 'cleared',
      resolution_note: body.reason,
      resolved_by: body.supervisor,
      resolved_at: event.stationTime,
    };
    this.clearsStored ??= cleared;
    for (const row of this.exceptions)
      if (row.kind === 'line_stop' && row.station_id === this.caller.id && row.status === 'open')
        Object.assign(row, cleared);
    this.integration.push({
      kind: 'line.cleared',
      orderCode: null,
      stationId: this.caller.id,
      data: { supervisor: body.supervisor, reason: body.reason, clearedAt: event.stationTime },
    });
  }

  private progressReported(event: StationEvent, body: Body<'progress.reported'>): void {
    const order = this.orderOf(body.order);
    const existing = this.facts.progress(order.id, body.step);
    const row: ProgressTable = {
      order_id: order.id,
      step: body.step,
      units_done: Math.max(existing?.units_done ?? 0, body.unitsDone),
      units_ordered: body.unitsOrdered,
      updated_at: this.now.toISOString(),
    };
    this.facts.setProgress(row);
    this.progress.set(`${row.order_id}\u0000${row.step}`, row);
    this.recordOverride(event, body.order, 'msg.override.progress', {
      units: body.unitsDone,
      step: body.step,
    });
    const finished = body.step === FINISHED_STEP && row.units_done >= row.units_ordered;
    if (finished || order.state === 'released')
      this.advanceTo(event, order, finished ? 'produced' : 'in_production');
    this.effects.orders.add(order.id);
  }

  private packageClosed(event: StationEvent, body: Body<'package.closed'>): void {
    const order = this.orderOf(body.order);
    const closed: PackagesTable = {
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
    this.newPackages.set(closed.code, closed);
    this.facts.putPackage(closed);
    const packed = [...new Set(body.units)].map((code) => {
      const unit = this.facts.unit(code);
      if (!unit) throw new Error(`unit ${code} unchecked`);
      return { ...unit, package_code: body.package };
    });
    this.facts.pack(packed);
    for (const unit of packed) this.units.set(unit.code, unit);
    const model = this.facts.completenessOf(order);
    // The last package: its number is the order's count, for every package of the order.
    const last = body.of !== null || model.units.remaining === 0;
    const count = body.of ?? body.number;
    if (last)
      for (const pkg of this.facts.packagesOf(order.id))
        if (pkg.package_count !== count) this.putPackage({ ...pkg, package_count: count });
    const changed = this.facts
      .packagesOf(order.id)
      .filter((pkg) => last || pkg.code === body.package);
    this.changes.push(
      ...changed.map((pkg) => this.packageChange(pkg, order, body.order)),
      ...packed.map((unit) => ({
        entity: 'unit' as const,
        key: unit.code,
        lineId: order.line_id,
        data: unitRow(unit, body.order),
      })),
    );
    this.recordOverride(event, body.order, 'msg.override.package', { number: body.number });
    if (last) this.advanceTo(event, order, 'packed');
    this.effects.orders.add(order.id);
  }

  private packageDispatched(event: StationEvent, body: Body<'package.dispatched'>): void {
    const order = this.orderOf(body.order);
    const pkg = this.facts.packagesOf(order.id).find((p) => p.code === body.package);
    if (!pkg) throw new Error(`package ${body.package} unchecked`);
    const dispatched = {
      ...pkg,
      dispatched_at: event.stationTime,
      dispatched_by: this.caller.name,
    };
    this.putPackage(dispatched);
    this.changes.push(this.packageChange(dispatched, order, body.order));
    const model = this.facts.completenessOf(order);
    if (model.packages.remaining === 0) this.advanceTo(event, order, 'shipped');
    this.effects.orders.add(order.id);
  }

  /** Every table the batch changed, one multi-row statement each. */
  async write(db: Db, kind: StorageKind): Promise<void> {
    await updateRows(
      db,
      'resources',
      'code',
      [...this.consumed.values()],
      ['consumed_at', 'consumed_by', 'consumed_event_id'],
    );
    await updateRows(
      db,
      'orders',
      'id',
      [...this.orders.values()],
      ['state', 'held_from', 'updated_at'],
    );
    if (this.newPackages.size > 0)
      await db
        .insertInto('packages')
        .values([...this.newPackages.values()])
        .execute();
    await updateRows(
      db,
      'packages',
      'code',
      [...this.changedPackages.values()],
      ['package_count', 'dispatched_at', 'dispatched_by'],
    );
    await updateRows(db, 'units', 'code', [...this.units.values()], ['package_code']);
    if (this.progress.size > 0)
      await db
        .insertInto('progress')
        .values([...this.progress.values()])
        .onConflict((oc) =>
          oc.columns(['order_id', 'step']).doUpdateSet((eb) => ({
            units_done: eb.ref('excluded.units_done'),
            units_ordered: eb.ref('excluded.units_ordered'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    // The line stops open before the batch, before the batch's own are stored.
    if (this.clearsStored)
      await db
        .updateTable('exceptions')
        .set(this.clearsStored)
        .where('kind', '=', 'line_stop')
        .where('station_id', '=', this.caller.id)
        .where('status', '=', 'open')
        .execute();
    if (this.exceptions.length > 0)
      await db.insertInto('exceptions').values(this.exceptions).execute();
    await auditMany(db, this.now, this.caller, this.audits);
    await appendChanges(db, kind, this.now, this.changes);
    await recordIntegrationEvents(db, this.now, this.integration);
  }
}

/**
 * Several rows of one table updated in one statement on both engines, joined to the new
 * values: `UPDATE t SET c = v.column2, … FROM (VALUES (key, c, …), …) AS v WHERE t.key =
 * v.column1` (both engines name a VALUES list's columns column1, column2, …). Each row is
 * found through the key's index, so the cost grows with the rows; a `CASE key WHEN … END`
 * per column compared every row with every key (a 500-event push spent more in that one
 * UPDATE than in the rest of its writes, docs/performance.md "push"). Numbers are cast to
 * integer (PostgreSQL would type an untyped parameter as text).
 */
async function updateRows<T extends object>(
  db: Db,
  table: 'resources' | 'orders' | 'packages' | 'units',
  key: keyof T & string,
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const value = (row: T, column: string) => (row as Record<string, unknown>)[column];
  const typed = (v: unknown) => (typeof v === 'number' ? sql`CAST(${v} AS integer)` : sql`${v}`);
  const values = rows.map(
    (row) => sql`(${sql.join([key, ...columns].map((column) => typed(value(row, column))))})`,
  );
  const sets = columns.map(
    (column, index) => sql`${sql.id(column)} = ${sql.ref(`v.column${index + 2}`)}`,
  );
  await sql`UPDATE ${sql.id(table)} SET ${sql.join(sets)} FROM (VALUES ${sql.join(values)}) AS v WHERE ${sql.ref(`${table}.${key}`)} = ${sql.ref('v.column1')}`.execute(
    db,
  );
}

import { sql } from 'kysely';
import type { PushResult } from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { OrderAction, OrderState } from '#core/orders/state-machine.ts';
import type { Db } from '../context.ts';
import { auditMany } from '../auth/audit.ts';
import { raiseExceptions, type ExceptionInput } from '../back-office/exceptions.ts';
import {
  recordIntegrationEvents,
  type IntegrationEventInput,
} from '../integration/integration-events.ts';
import { stateChangedEvent, transitionDetail, transitionedOrder } from '../orders/order-state.ts';
import { appendChanges, type Change } from '../replication/change-log.ts';
import { resourceRow } from '../replication/rows.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { OrdersTable, ResourcesTable } from '../storage/schema.ts';
import { lineStopException, type Effects } from './apply.ts';
import { BatchFacts } from './batch-facts.ts';
import { checkEvent, type CheckContext } from './checks.ts';
import { alreadyHeld, payloadHash, rejectionException, takeEvent, type Held } from './ingest.ts';

/*
 * Set-based ingest (issue 13): a push of the events a production line makes most (scan
 * decisions, orders loaded, labels printed) costs a fixed number of statements whatever its
 * size. The rows its events name are read once (batch-facts.ts); each event is checked by
 * the same checks as one at a time (checks.ts), and applied in memory, the facts kept
 * current for the next event; then every table is written with one multi-row statement.
 * The effects are those of apply.ts for these events. Other events (progress, packages,
 * a line cleared) go one by one (ingest.ts).
 */

const BATCHED = new Set<StationEvent['body']['type']>([
  'scan.decided',
  'order.loaded',
  'label.printed',
]);

export const batchable = (events: readonly StationEvent[]) =>
  events.every((event) => BATCHED.has(event.body.type));

/** The production chain as apply.ts walks it, for the one step a consumption takes. */
const START: { from: OrderState; action: OrderAction } = {
  from: 'released',
  action: 'start_production',
};

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
  const facts = await BatchFacts.read(db, events);
  const context: CheckContext = { ...checks, facts };
  const results: PushResult[] = [];
  const consumed = new Map<string, ResourcesTable>();
  const orders = new Map<string, OrdersTable>();
  const audits: Parameters<typeof auditMany>[3][number][] = [];
  const changes: Change[] = [];
  const integration: IntegrationEventInput[] = [];
  const exceptions: ExceptionInput[] = [];

  for (const event of events) {
    const hash = payloadHash(event);
    const answered = alreadyHeld(event, hash, held);
    if (answered) {
      results.push(answered);
      continue;
    }
    const verdict = await checkEvent(context, event);
    const body = event.body;
    if (verdict.ok && body.type === 'scan.decided') {
      if (body.verdict === 'line_stop') {
        exceptions.push(lineStopException(caller, event, body));
      } else if (body.effect?.kind === 'consume') {
        // The check found both: the resource, of this order.
        const resource = facts.resources.get(body.effect.resource);
        const order = resource && facts.ordersById.get(resource.order_id);
        if (!resource || !order) throw new Error(`consumed ${body.effect.resource} unchecked`);
        const after = {
          ...resource,
          consumed_at: event.stationTime,
          consumed_by: caller.name,
          consumed_event_id: event.id,
        };
        facts.consume(after);
        consumed.set(after.code, after);
        changes.push({
          entity: 'resource',
          key: after.code,
          lineId: order.line_id,
          data: resourceRow(after, order.code ?? ''),
        });
        if (order.state === START.from) {
          const updated = transitionedOrder(order, START.action, now);
          facts.setOrder(updated);
          orders.set(updated.id, updated);
          audits.push({
            action: `order.${START.action}`,
            entity: 'order',
            entityId: order.id,
            detail: transitionDetail(order, updated, { event: event.id }),
          });
          if (updated.code && updated.line_id)
            changes.push({
              entity: 'order',
              key: updated.code,
              lineId: updated.line_id,
              data: facts.orderRow(updated),
            });
          integration.push(stateChangedEvent(caller, order, updated, START.action));
        }
        effects.orders.add(order.id);
      }
    }
    if (!verdict.ok) exceptions.push(rejectionException(caller, event, verdict));
    results.push(takeEvent(held, caller, now, event, hash, verdict));
  }

  await updateRows(
    db,
    'resources',
    'code',
    [...consumed.values()],
    ['consumed_at', 'consumed_by', 'consumed_event_id'],
  );
  await updateRows(db, 'orders', 'id', [...orders.values()], ['state', 'held_from', 'updated_at']);
  await auditMany(db, now, caller, audits);
  await appendChanges(db, kind, now, changes);
  await recordIntegrationEvents(db, now, integration);
  await raiseExceptions(db, now, exceptions);
  return results;
}

/**
 * Several rows of one table updated in one statement on both engines:
 * `UPDATE t SET c = CASE key WHEN … THEN … END, … WHERE key IN (…)`.
 */
async function updateRows<T extends object>(
  db: Db,
  table: 'resources' | 'orders',
  key: keyof T & string,
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const value = (row: T, column: string) => (row as Record<string, unknown>)[column];
  const keys = rows.map((row) => value(row, key));
  const sets = columns.map(
    (column) =>
      sql`${sql.id(column)} = CASE ${sql.id(key)} ${sql.join(
        rows.map((row) => sql`WHEN ${value(row, key)} THEN ${value(row, column)}`),
        sql` `,
      )} END`,
  );
  await sql`UPDATE ${sql.id(table)} SET ${sql.join(sets)} WHERE ${sql.id(key)} IN (${sql.join(keys)})`.execute(
    db,
  );
}

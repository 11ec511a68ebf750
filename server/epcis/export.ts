import { randomUUID } from 'node:crypto';
import type { EpcisDocument, EpcisQuery } from '#core/api/back-office.ts';
import type { Db, ServerContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { EPCIS_CONTEXT } from './identifiers.ts';
import { stationEventToEpcis } from './station-events.ts';
import {
  commissioningEvent,
  receiptEvent,
  type EpcisEvent,
  type LineStopClearance,
  type OrderFacts,
  type PackageFacts,
} from './events.ts';
import { loadEvents } from '../back-office/order-events.ts';

/**
 * The event history of one order, or of everything, as an EPCIS 2.0 EPCISDocument in
 * JSON-LD (the EPCIS 2.0 JSON/JSON-LD binding). `since`/`until` select by event time, as
 * GE_eventTime / LT_eventTime of the EPCIS SimpleEventQuery do. The whole history is mapped
 * before the window is applied, so the units a finished-step report produced are the same
 * whatever the window.
 */
export async function exportEpcis(
  context: ServerContext,
  query: EpcisQuery,
): Promise<EpcisDocument> {
  const { db } = context.storage;
  const orders = await loadOrders(db, query.order);
  const ids = orders.map((o) => o.id);
  const [rows, packages, clearances] = await Promise.all([
    loadEvents(db, { ...(query.order ? { orderCode: query.order } : {}), appliedOnly: true }),
    loadPackages(db, ids),
    loadClearances(db),
  ]);
  const byCode = new Map(packages.map((p) => [p.code, p]));
  const produced = new Map<string, number>();
  const events: EpcisEvent[] = [
    ...orders.map(commissioningEvent),
    ...rows.flatMap((row) => stationEventToEpcis(row, byCode, clearances, produced)),
    ...packages.map(receiptEvent),
  ].filter((event): event is EpcisEvent => event !== undefined);

  const since = query.since ? Date.parse(query.since) : -Infinity;
  const until = query.until ? Date.parse(query.until) : Infinity;
  const timeOf = (event: EpcisEvent) => Date.parse(String(event.eventTime));
  const eventList = events
    .filter((event) => timeOf(event) >= since && timeOf(event) < until)
    .sort((a, b) => timeOf(a) - timeOf(b));
  return {
    '@context': EPCIS_CONTEXT,
    id: `urn:uuid:${randomUUID()}`,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: context.now().toISOString(),
    epcisBody: { eventList },
  };
}

async function loadOrders(
  db: Db,
  code: string | undefined,
): Promise<(OrderFacts & { id: string })[]> {
  let query = db
    .selectFrom('orders')
    .leftJoin('lines', 'lines.id', 'orders.line_id')
    .select(['orders.id', 'orders.code', 'lines.name as line'])
    .where('orders.code', 'is not', null);
  if (code) query = query.where('orders.code', '=', code);
  const orders = await query.execute();
  if (code && orders.length === 0) throw notFound(`Order ${code}`);
  if (orders.length === 0) return [];
  const ids = orders.map((o) => o.id);
  const [resources, units, releases] = await Promise.all([
    db
      .selectFrom('resources')
      .select(['order_id', 'code'])
      .where('order_id', 'in', ids)
      .orderBy('serial')
      .execute(),
    db
      .selectFrom('units')
      .select(['order_id', 'code'])
      .where('order_id', 'in', ids)
      .orderBy('serial')
      .execute(),
    db
      .selectFrom('audit_log')
      .select(['entity_id', 'at', 'actor'])
      .where('action', '=', 'order.release')
      .where('entity', '=', 'order')
      .where('entity_id', 'in', ids)
      .execute(),
  ]);
  const release = new Map(releases.map((r) => [r.entity_id, r]));
  return orders.map((order) => ({
    id: order.id,
    code: order.code as string,
    line: order.line,
    releasedAt: release.get(order.id)?.at ?? null,
    releasedBy: release.get(order.id)?.actor ?? null,
    resources: resources.filter((r) => r.order_id === order.id).map((r) => r.code),
    units: units.filter((u) => u.order_id === order.id).map((u) => u.code),
  }));
}

async function loadPackages(db: Db, orderIds: string[]): Promise<PackageFacts[]> {
  if (orderIds.length === 0) return [];
  const rows = await db
    .selectFrom('packages')
    .innerJoin('orders', 'orders.id', 'packages.order_id')
    .select([
      'packages.code',
      'orders.code as order_code',
      'packages.sscc',
      'packages.receipt',
      'packages.receipt_reason',
      'packages.receipt_at',
    ])
    .where('packages.order_id', 'in', orderIds)
    .execute();
  return rows.map((row) => ({
    code: row.code,
    orderCode: row.order_code ?? '',
    sscc: row.sscc,
    receipt: row.receipt,
    receiptReason: row.receipt_reason,
    receiptAt: row.receipt_at,
  }));
}

/** Who cleared each line stop and why, by the event that stopped the line. */
async function loadClearances(db: Db): Promise<Map<string, LineStopClearance>> {
  const rows = await db
    .selectFrom('exceptions')
    .select(['event_id', 'resolved_by', 'resolution_note', 'resolved_at'])
    .where('kind', '=', 'line_stop')
    .where('event_id', 'is not', null)
    .where('resolved_by', 'is not', null)
    .execute();
  return new Map(
    rows.map((row) => [
      row.event_id as string,
      { clearedBy: row.resolved_by, reason: row.resolution_note, clearedAt: row.resolved_at },
    ]),
  );
}

import { randomUUID } from 'node:crypto';
import type { IntegrationEvent, IntegrationEventKind } from '#core/api/integration.ts';
import type { Db } from '../context.ts';
import type { IntegrationEventsTable } from '../storage/schema.ts';
import { claimLogIds, settledThrough } from '../replication/settled-ids.ts';

/** Webhook deliveries are retried for a day, then given up (the log keeps them for replay). */
export const DELIVERY_WINDOW_MS = 24 * 3_600_000;

export interface IntegrationEventInput {
  kind: IntegrationEventKind;
  orderCode: string | null;
  /** Where it happened: the line (by id) and/or the station (by id). */
  lineId?: string | null;
  stationId?: string | null;
  data: Record<string, unknown>;
}

/**
 * Record an event for integrators in the caller's transaction: the change feed row, and
 * a pending delivery for every webhook subscribed to its kind (the webhook outbox). The
 * change and its report commit together, so a crash can lose neither one alone.
 * Writers run in parallel; readers stop at the settled id (settled-ids.ts), so a reader's
 * cursor never skips a row committed late.
 */
export async function recordIntegrationEvent(
  db: Db,
  now: Date,
  input: IntegrationEventInput,
): Promise<void> {
  await recordIntegrationEvents(db, now, [input]);
}

/** Several events at once, in order: a constant number of statements however many. */
export async function recordIntegrationEvents(
  db: Db,
  now: Date,
  inputs: readonly IntegrationEventInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  // Outside a transaction (a one-off call), one of its own: the claim lives as long as it.
  if (!db.isTransaction)
    return db.transaction().execute((trx) => recordIntegrationEvents(trx, now, inputs));
  await claimLogIds(db, 'integration_events');
  const placeOf = await placesOf(db, inputs);
  const rows = inputs.map((input) => ({
    kind: input.kind,
    order_code: input.orderCode,
    ...placeOf(input),
    at: now.toISOString(),
    data: JSON.stringify(input.data),
  }));
  // Ids are drawn in the rows' order; RETURNING's order is not promised, so sort them.
  const ids = (await db.insertInto('integration_events').values(rows).returning('id').execute())
    .map((row) => Number(row.id))
    .sort((a, b) => a - b);
  const hooks = (
    await db
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('disabled_at', 'is', null)
      .execute()
  ).map((hook) => ({ id: hook.id, kinds: JSON.parse(hook.events) as string[] }));
  if (hooks.length === 0) return;
  const deliveries = rows.flatMap((row, i) => {
    const subscribed = hooks.filter((hook) => hook.kinds.includes(row.kind));
    if (subscribed.length === 0) return [];
    const eventId = ids[i] ?? 0;
    const body = JSON.stringify(toIntegrationEvent({ id: eventId, ...row }));
    return subscribed.map((hook) => ({
      id: randomUUID(),
      webhook_id: hook.id,
      event_id: eventId,
      kind: row.kind,
      body,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now.toISOString(),
      give_up_at: new Date(now.getTime() + DELIVERY_WINDOW_MS).toISOString(),
      last_attempt_at: null,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: now.toISOString(),
    }));
  });
  if (deliveries.length > 0) await db.insertInto('webhook_deliveries').values(deliveries).execute();
}

/** Names people and topic trees use: the plant and line by name, the station by name. */
async function placesOf(db: Db, inputs: readonly IntegrationEventInput[]) {
  const stationIds = [...new Set(inputs.flatMap((input) => input.stationId ?? []))];
  const stations = new Map(
    (
      await db
        .selectFrom('stations')
        .select(['id', 'name', 'line_id'])
        .where('id', 'in', [...stationIds, ''])
        .execute()
    ).map((station) => [station.id, station]),
  );
  const lineOf = (input: IntegrationEventInput) =>
    input.lineId ?? stations.get(input.stationId ?? '')?.line_id ?? '';
  const lines = new Map(
    (
      await db
        .selectFrom('lines')
        .select(['id', 'name', 'plant'])
        .where('id', 'in', [...new Set(inputs.map(lineOf)), ''])
        .execute()
    ).map((line) => [line.id, line]),
  );
  return (input: IntegrationEventInput) => {
    const line = lines.get(lineOf(input));
    return {
      plant: line?.plant ?? null,
      line: line?.name ?? null,
      station: stations.get(input.stationId ?? '')?.name ?? null,
    };
  };
}

export function toIntegrationEvent(
  row: Omit<IntegrationEventsTable, 'id'> & { id: number },
): IntegrationEvent {
  return {
    seq: Number(row.id),
    kind: row.kind as IntegrationEventKind,
    at: row.at,
    order: row.order_code,
    plant: row.plant,
    line: row.line,
    station: row.station,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/**
 * The change feed: events after `after`, oldest first, up to the settled id (read first, so
 * `db` must not be a transaction whose snapshot is already taken).
 */
export async function readIntegrationEvents(
  db: Db,
  after: number,
  limit: number,
): Promise<{ events: IntegrationEvent[]; cursor: number; more: boolean }> {
  const settled = await settledThrough(db, 'integration_events');
  let query = db.selectFrom('integration_events').selectAll().where('id', '>', after);
  if (settled !== null) query = query.where('id', '<=', settled);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const events = rows
    .slice(0, limit)
    .map((row) => toIntegrationEvent({ ...row, id: Number(row.id) }));
  return { events, cursor: events.at(-1)?.seq ?? after, more: rows.length > limit };
}

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
  await claimLogIds(db, 'integration_events');
  const place = await placeOf(db, input.lineId ?? null, input.stationId ?? null);
  const row = await db
    .insertInto('integration_events')
    .values({
      kind: input.kind,
      order_code: input.orderCode,
      plant: place.plant,
      line: place.line,
      station: place.station,
      at: now.toISOString(),
      data: JSON.stringify(input.data),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const subscribed = (
    await db
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('disabled_at', 'is', null)
      .execute()
  ).filter((hook) => (JSON.parse(hook.events) as string[]).includes(input.kind));
  if (subscribed.length === 0) return;
  const body = JSON.stringify(
    toIntegrationEvent({
      id: Number(row.id),
      kind: input.kind,
      order_code: input.orderCode,
      ...place,
      at: now.toISOString(),
      data: JSON.stringify(input.data),
    }),
  );
  await db
    .insertInto('webhook_deliveries')
    .values(
      subscribed.map((hook) => ({
        id: randomUUID(),
        webhook_id: hook.id,
        event_id: Number(row.id),
        kind: input.kind,
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
      })),
    )
    .execute();
}

/** Names people and topic trees use: the plant and line by name, the station by name. */
async function placeOf(db: Db, lineId: string | null, stationId: string | null) {
  const station = stationId
    ? await db
        .selectFrom('stations')
        .select(['name', 'line_id'])
        .where('id', '=', stationId)
        .executeTakeFirst()
    : undefined;
  const line = await db
    .selectFrom('lines')
    .select(['name', 'plant'])
    .where('id', '=', lineId ?? station?.line_id ?? '')
    .executeTakeFirst();
  return { plant: line?.plant ?? null, line: line?.name ?? null, station: station?.name ?? null };
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

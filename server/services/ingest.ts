import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import {
  SUPPORTED_PROTOCOLS,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError, forbidden } from '../errors.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { EventsTable } from '../storage/schema.ts';
import { applyEvent, type Effects } from './apply-station-event.ts';
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
    const events = [...request.events].sort((a, b) => a.seq - b.seq);
    const held = await heldEvents(trx, caller.id, events);
    const out: PushResult[] = [];
    for (const event of events) {
      out.push(await ingestOne(trx, kind, now, caller, event, effects, held));
    }
    await storeEvents(trx, held.taken);
    // "Last seen" and the outbox depth commit with the batch: one commit (one sync to disk)
    // per push rather than two.
    await touchStation(
      { ...context, storage: { ...context.storage, db: trx } },
      caller.id,
      request.outboxDepth,
    );
    return out;
  });
  for (const orderId of effects.orders) context.live.publish(`order:${orderId}`);
  if (effects.orders.size > 0) context.live.publish('changes');
  return {
    results,
    ackedThrough: await ackedThrough(db, caller.id),
    serverTime: now.toISOString(),
  };
}

/**
 * What the events table already holds of a batch: by this station's sequence numbers, and
 * by event id (any station). Read with two queries per batch rather than two per event, and
 * kept current as the batch is taken, so each event is judged exactly as if the table were
 * asked at its turn.
 */
interface Held {
  bySeq: Map<number, { id: string; payload_hash: string }>;
  ids: Set<string>;
  /** Events taken in this batch, written together at its end (nothing reads them before). */
  taken: EventsTable[];
}

const LOOKUP_CHUNK = 500;

async function heldEvents(db: Db, stationId: string, events: StationEvent[]): Promise<Held> {
  const held: Held = { bySeq: new Map(), ids: new Set(), taken: [] };
  const seqs = [...new Set(events.map((event) => event.seq))];
  const ids = [...new Set(events.map((event) => event.id))];
  for (let i = 0; i < seqs.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'id', 'payload_hash'])
      .where('station_id', '=', stationId)
      .where('seq', 'in', seqs.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) held.bySeq.set(Number(row.seq), row);
  }
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('events')
      .select('id')
      .where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) held.ids.add(row.id);
  }
  return held;
}

async function storeEvents(db: Db, rows: EventsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK)
    await db
      .insertInto('events')
      .values(rows.slice(i, i + LOOKUP_CHUNK))
      .execute();
}

async function ingestOne(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: StationCaller,
  event: StationEvent,
  effects: Effects,
  held: Held,
): Promise<PushResult> {
  const hash = payloadHash(event);
  const base = { id: event.id, seq: event.seq };
  const bySeq = held.bySeq.get(event.seq);
  if (bySeq) {
    if (bySeq.payload_hash === hash && bySeq.id === event.id)
      return { ...base, status: 'duplicate' };
    return {
      ...base,
      status: 'rejected',
      reason: `Sequence ${event.seq} is already held with a different event; the station's outbox and the server disagree.`,
    };
  }
  if (held.ids.has(event.id)) {
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
  held.taken.push({
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
  });
  held.bySeq.set(event.seq, { id: event.id, payload_hash: hash });
  held.ids.add(event.id);
  await applyEvent({ db, kind, now, caller, event }, effects);
  return { ...base, status: 'accepted' };
}

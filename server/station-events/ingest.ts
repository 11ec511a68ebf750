import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import {
  MAX_PUSH_EVENTS,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '#core/api/sync.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import type { ServerContext } from '../context.ts';
import type { Db } from '../context.ts';
import { forbidden } from '../errors.ts';
import { checkProtocol } from '../replication/protocol.ts';
import { lineRules } from '../replication/rows.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { EventsTable } from '../storage/schema.ts';
import { raiseException, type ExceptionInput } from '../back-office/exceptions.ts';
import { notAppliedKey } from '#core/api/messages.ts';
import { touchStation } from '../stations/stations.ts';
import { ingestBatch, type Effects } from './batch-ingest.ts';
import { groupCommitOf } from './group-commit.ts';
import type { Check, CheckContext, StationCaller } from './checks.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { placeholders, plainQuery } from '../storage/plain-sql.ts';

/** An event as stored: re-serialised from its parsed form (so key order is the schema's), and
 * that text's hash, the payload hash. Serialised once for both. */
export interface StoredForm {
  text: string;
  hash: string;
}

export function storedForm(event: StationEvent): StoredForm {
  const text = JSON.stringify(event);
  return { text, hash: createHash('sha256').update(text).digest('hex') };
}

/** A station's acknowledgement row (migration 0007): its events 1..ackedThrough are all stored. */
interface Ack {
  ackedThrough: number;
  highestSeq: number;
}

/**
 * Read the station's acknowledgement row, creating it on its first push, and hold it for the
 * transaction: the upsert takes the row's lock on PostgreSQL, so two pushes of one station
 * (a retry racing the original) take turns while other stations' pushes go on.
 */
async function holdAck(db: Db, stationId: string): Promise<Ack> {
  const [row] = await plainQuery<{ acked_through: number; highest_seq: number }>(
    db,
    `INSERT INTO station_acks (station_id, acked_through, highest_seq) VALUES (?, 0, 0)
     ON CONFLICT (station_id) DO UPDATE SET acked_through = station_acks.acked_through
     RETURNING acked_through, highest_seq`,
    [stationId],
  );
  if (!row) throw new Error(`no acknowledgement row for station ${stationId}`);
  return { ackedThrough: Number(row.acked_through), highestSeq: Number(row.highest_seq) };
}

/**
 * The acknowledgement after a batch: from the stored one, on through the sequences the batch
 * read or took (`held`); only when events beyond a gap were stored by an earlier push
 * (highest above acknowledged) are they read, from the (station, seq) index past the gap.
 * Never computed from the station's whole history, never trusted from the station.
 */
async function advanceAck(db: Db, stationId: string, before: Ack, held: Held): Promise<number> {
  let acked = before.ackedThrough;
  let highest = before.highestSeq;
  for (const seq of held.bySeq.keys()) highest = Math.max(highest, seq);
  while (held.bySeq.has(acked + 1)) acked++;
  while (acked < highest) {
    const beyond = await db
      .selectFrom('events')
      .select('seq')
      .where('station_id', '=', stationId)
      .where('seq', '>', acked)
      .orderBy('seq')
      .limit(LOOKUP_CHUNK)
      .execute();
    let advanced = false;
    for (const row of beyond) {
      if (Number(row.seq) !== acked + 1) break;
      acked++;
      advanced = true;
    }
    if (!advanced || beyond.length < LOOKUP_CHUNK) break;
  }
  if (acked !== before.ackedThrough || highest !== before.highestSeq)
    await plainQuery(
      db,
      'UPDATE station_acks SET acked_through = ?, highest_seq = ? WHERE station_id = ?',
      [acked, highest, stationId],
    );
  return acked;
}

/**
 * Take a batch of station events. The whole batch is checked first (schema at the route,
 * scope here): a batch with any event not from this station is refused whole. Each event
 * is then stored at most once, keyed by (station, seq) with a matching payload hash, and
 * either applied or, when the server's checks (checks.ts) refuse it or applying it fails,
 * stored as rejected and raised as an exception: the push acknowledges past it either way,
 * so one bad event never jams a station's outbox.
 */
export async function ingestEvents(
  context: ServerContext,
  caller: StationCaller,
  request: PushRequest,
): Promise<PushResponse> {
  checkProtocol(request.protocol);
  const foreign = request.events.find((event) => event.stationId !== caller.id);
  if (foreign)
    throw forbidden(
      `Event ${foreign.id} belongs to station ${foreign.stationId}, not to this station.`,
    );

  const now = context.now();
  const effects: Effects = { orders: new Set() };
  const results: PushResult[] = [];
  let acked = 0;
  const sorted = [...request.events].sort((a, b) => a.seq - b.seq);
  for (const [index, events] of slicesByWeight(sorted).entries()) {
    // Between the slices of a heavy push, the other requests waiting get their turn.
    if (index > 0) await yieldToEventLoop();
    const slice = await ingestSlice(context, caller, request.outboxDepth, events, now, effects);
    results.push(...slice.results);
    acked = slice.acked;
  }
  for (const orderId of effects.orders) context.live.publish(`order:${orderId}`);
  if (effects.orders.size > 0) context.live.publish('changes');
  return {
    results,
    ackedThrough: acked,
    serverTime: now.toISOString(),
  };
}

/**
 * How many codes one transaction of a push takes at most. A push of up to 1 MiB may name
 * tens of thousands of units (packages closed offline); taken in one transaction, on SQLite
 * that holds the event loop for as long. Sliced, each slice commits on its own: the events
 * are stored at most once by (station, seq), so a push cut short by a crash is finished by
 * the station's retry, and the acknowledgement only ever covers what committed.
 */
export const INGEST_SLICE_CODES = 1000;

const weightOf = (event: StationEvent) =>
  event.body.type === 'package.closed' ? event.body.units.length : 1;

/** Consecutive runs of events of at most INGEST_SLICE_CODES codes each (one event at least). */
export function slicesByWeight(events: StationEvent[]): StationEvent[][] {
  const slices: StationEvent[][] = [];
  let current: StationEvent[] = [];
  let weight = 0;
  for (const event of events) {
    const own = weightOf(event);
    if (current.length > 0 && weight + own > INGEST_SLICE_CODES) {
      slices.push(current);
      current = [];
      weight = 0;
    }
    current.push(event);
    weight += own;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

async function ingestSlice(
  context: ServerContext,
  caller: StationCaller,
  outboxDepth: number,
  events: StationEvent[],
  now: Date,
  effects: Effects,
): Promise<{ results: PushResult[]; acked: number }> {
  const { db, kind } = context.storage;
  const take = (oneByOne: boolean) => async (trx: Db) => {
    const ack = await holdAck(trx, caller.id);
    const held = await heldEvents(trx, caller.id, events);
    const checks = await checkContext(trx, now, caller);
    // Set-based (batch-ingest.ts), a fixed number of statements. Should its writes fail (a
    // constraint, a value one engine refuses), the whole attempt rolls back with its
    // transaction and the slice is taken again one event at a time in a fresh one (below):
    // no savepoint around the common case, two statements fewer per slice.
    const results = oneByOne
      ? await ingestOneByOne(trx, kind, now, checks, events, effects, held)
      : await ingestBatch(trx, kind, now, checks, events, effects, held).catch((error) => {
          throw new SetBasedWritesFailed(error);
        });
    await storeEvents(trx, held.taken);
    const acked = await advanceAck(trx, caller.id, ack, held);
    // "Last seen" and the outbox depth commit with the batch: one commit (one sync to disk)
    // per push rather than two.
    await touchStation(
      { ...context, storage: { ...context.storage, db: trx } },
      caller.id,
      outboxDepth,
    );
    return { results, acked };
  };
  // SQLite: one writer, so concurrent stations' slices share a transaction and its sync to
  // disk (group-commit.ts). PostgreSQL takes them in parallel, each its own (decision 0008).
  const run = (oneByOne: boolean) =>
    kind === 'sqlite'
      ? groupCommitOf(db).run(
          events.reduce((sum, event) => sum + weightOf(event), 0),
          take(oneByOne),
        )
      : db.transaction().execute(take(oneByOne));
  const notices = new Set(effects.orders);
  try {
    return await run(false);
  } catch (error) {
    if (!(error instanceof SetBasedWritesFailed)) throw error;
    // Nothing of the attempt stayed (its transaction, or on SQLite its savepoint in the
    // group, rolled back): the slice is taken again event by event.
    restore(effects, notices);
    return run(true);
  }
}

/**
 * What the events table already holds of a batch: by this station's sequence numbers, and
 * by event id (any station). Read with two queries per batch rather than two per event, and
 * kept current as the batch is taken, so each event is judged exactly as if the table were
 * asked at its turn.
 */
export interface Held {
  bySeq: Map<number, { id: string; payload_hash: string }>;
  ids: Set<string>;
  /** Events taken in this batch, written together at its end (nothing reads them before). */
  taken: EventsTable[];
}

// A push holds at most MAX_PUSH_EVENTS: one query each, whatever its size.
const LOOKUP_CHUNK = MAX_PUSH_EVENTS;

async function heldEvents(db: Db, stationId: string, events: StationEvent[]): Promise<Held> {
  const held: Held = { bySeq: new Map(), ids: new Set(), taken: [] };
  // Both look-ups in one statement: this station's rows at the batch's sequence numbers,
  // and any station's rows with the batch's ids.
  for (let i = 0; i < events.length; i += LOOKUP_CHUNK) {
    const chunk = events.slice(i, i + LOOKUP_CHUNK);
    const seqs = [...new Set(chunk.map((event) => event.seq))];
    const ids = [...new Set(chunk.map((event) => event.id))];
    const rows = await plainQuery<HeldRow>(
      db,
      `SELECT station_id, seq, id, payload_hash FROM events
       WHERE station_id = ? AND seq IN (${placeholders(seqs.length)})
       UNION ALL
       SELECT station_id, seq, id, payload_hash FROM events WHERE id IN (${placeholders(ids.length)})`,
      [stationId, ...seqs, ...ids],
    );
    const wantedSeqs = new Set(seqs);
    const wantedIds = new Set(ids);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (row.station_id === stationId && wantedSeqs.has(seq))
        held.bySeq.set(seq, { id: row.id, payload_hash: row.payload_hash });
      if (wantedIds.has(row.id)) held.ids.add(row.id);
    }
  }
  return held;
}

interface HeldRow {
  station_id: string;
  seq: number;
  id: string;
  payload_hash: string;
}

const EVENT_COLUMNS = [
  'id',
  'station_id',
  'seq',
  'payload_hash',
  'type',
  'order_code',
  'verdict',
  'body',
  'operator',
  'station_time',
  'server_time',
  'outcome',
  'rejection',
] as const satisfies readonly (keyof EventsTable)[];
const EVENT_ROW = `(${placeholders(EVENT_COLUMNS.length)})`;
// At most this many rows in one insert: SQLite takes 32,766 parameters in a statement.
const STORE_CHUNK = 1000;

async function storeEvents(db: Db, rows: EventsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += STORE_CHUNK) {
    const chunk = rows.slice(i, i + STORE_CHUNK);
    await plainQuery(
      db,
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${Array(chunk.length).fill(EVENT_ROW).join(', ')}`,
      chunk.flatMap((row) => EVENT_COLUMNS.map((column) => row[column])),
    );
  }
}

/** What the checks need of the station and its line, read once per batch. */
async function checkContext(
  db: Db,
  now: Date,
  caller: StationCaller,
): Promise<Omit<CheckContext, 'facts'>> {
  const [station] = await plainQuery<{ created_at: string; rules: string }>(
    db,
    `SELECT stations.created_at, lines.rules FROM stations
     JOIN lines ON lines.id = stations.line_id WHERE stations.id = ?`,
    [caller.id],
  );
  if (!station) throw new Error(`station ${caller.id} has no line`);
  return {
    now,
    caller,
    stationCreatedAt: station.created_at,
    rules: lineRules(station.rules),
  };
}

/** The set-based writes of a slice failed: it is taken again, event by event. */
class SetBasedWritesFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`set-based ingest failed: ${messageOf(reason)}`);
  }
}

/** Each event alone, in its own savepoint, so the failing one is rejected and the rest applied. */
async function ingestOneByOne(
  db: Db,
  kind: StorageKind,
  now: Date,
  checks: Omit<CheckContext, 'facts'>,
  events: StationEvent[],
  effects: Effects,
  held: Held,
): Promise<PushResult[]> {
  const results: PushResult[] = [];
  for (const event of events)
    results.push(await ingestOne(db, kind, now, checks, event, effects, held));
  return results;
}

/** Duplicate or conflict: what the events table (and the batch so far) already holds. */
export function alreadyHeld(event: StationEvent, hash: string, held: Held): PushResult | null {
  const base = { id: event.id, seq: event.seq };
  const bySeq = held.bySeq.get(event.seq);
  if (bySeq) {
    if (bySeq.payload_hash === hash && bySeq.id === event.id)
      return { ...base, status: 'duplicate' };
    return {
      ...base,
      status: 'conflict',
      reason: `Sequence ${event.seq} is already held with a different event; the station's outbox and the server disagree.`,
    };
  }
  if (held.ids.has(event.id)) {
    return {
      ...base,
      status: 'conflict',
      reason: `Event id ${event.id} is already held under another sequence number.`,
    };
  }
  return null;
}

/** The order an event is about, as stored with it. */
const orderCodeOf = (body: StationEvent['body']): string | null =>
  'order' in body
    ? body.order
    : body.type === 'scan.decided'
      ? body.effect && 'order' in body.effect
        ? body.effect.order
        : (body.scannedOrder ?? body.currentOrder)
      : null;

/** The exception a refused event raises, with the reason. */
export function rejectionException(
  caller: StationCaller,
  event: StationEvent,
  verdict: Extract<Check, { ok: false }>,
): ExceptionInput {
  const orderCode = orderCodeOf(event.body);
  return {
    kind: verdict.kind,
    orderCode: orderCode && /^RD[0-9A-Z]{9}$/.test(orderCode) ? orderCode : null,
    stationId: caller.id,
    eventId: event.id,
    seq: event.seq,
    message: {
      key: notAppliedKey(verdict.kind),
      params: {
        station: caller.name,
        seq: event.seq,
        event: event.body.type,
        reason: verdict.reason,
      },
    },
  };
}

/** The event taken with its verdict: its row for the batch's one insert, and its answer. */
export function takeEvent(
  held: Held,
  caller: StationCaller,
  now: Date,
  event: StationEvent,
  stored: StoredForm,
  verdict: Check,
): PushResult {
  const body = event.body;
  held.taken.push({
    id: event.id,
    station_id: caller.id,
    seq: event.seq,
    payload_hash: stored.hash,
    type: body.type,
    order_code: orderCodeOf(body),
    verdict: body.type === 'scan.decided' ? body.verdict : null,
    body: stored.text,
    operator: event.operator,
    station_time: event.stationTime,
    server_time: now.toISOString(),
    outcome: verdict.ok ? 'applied' : 'rejected',
    rejection: verdict.ok ? null : `${verdict.kind}: ${verdict.reason}`,
  });
  held.bySeq.set(event.seq, { id: event.id, payload_hash: stored.hash });
  held.ids.add(event.id);
  const base = { id: event.id, seq: event.seq };
  return verdict.ok
    ? { ...base, status: 'accepted' }
    : { ...base, status: 'rejected', kind: verdict.kind, reason: verdict.reason };
}

/** The live notices as they were before an attempt rolled back (earlier slices' stay). */
function restore(effects: Effects, notices: ReadonlySet<string>): void {
  effects.orders.clear();
  for (const order of notices) effects.orders.add(order);
}

/** One event of a slice whose set-based writes failed: alone, in its own savepoint. */
async function ingestOne(
  db: Db,
  kind: StorageKind,
  now: Date,
  checks: Omit<CheckContext, 'facts'>,
  event: StationEvent,
  effects: Effects,
  held: Held,
): Promise<PushResult> {
  const stored = storedForm(event);
  const answered = alreadyHeld(event, stored.hash, held);
  if (answered) return answered;
  const taken = held.taken.length;
  const notices = new Set(effects.orders);
  await sql`SAVEPOINT station_event`.execute(db);
  try {
    const [result] = await ingestBatch(db, kind, now, checks, [event], effects, held);
    await sql`RELEASE SAVEPOINT station_event`.execute(db);
    if (result) return result;
    throw new Error(`event ${event.seq} got no answer`);
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT station_event`.execute(db);
    await sql`RELEASE SAVEPOINT station_event`.execute(db);
    // Nothing of the attempt stays: not its row, not its live notice.
    held.taken.length = taken;
    held.bySeq.delete(event.seq);
    held.ids.delete(event.id);
    restore(effects, notices);
    const verdict: Check = {
      ok: false,
      kind: 'event_rejected',
      reason: `The server could not apply it: ${messageOf(error).slice(0, 300)}`,
    };
    await raiseException(db, now, rejectionException(checks.caller, event, verdict));
    return takeEvent(held, checks.caller, now, event, stored, verdict);
  }
}

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
  const row = await db
    .insertInto('station_acks')
    .values({ station_id: stationId, acked_through: 0, highest_seq: 0 })
    .onConflict((oc) =>
      oc
        .column('station_id')
        .doUpdateSet((eb) => ({ acked_through: eb.ref('station_acks.acked_through') })),
    )
    .returning(['acked_through', 'highest_seq'])
    .executeTakeFirstOrThrow();
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
    await db
      .updateTable('station_acks')
      .set({ acked_through: acked, highest_seq: highest })
      .where('station_id', '=', stationId)
      .execute();
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
  const take = async (trx: Db) => {
    const ack = await holdAck(trx, caller.id);
    const held = await heldEvents(trx, caller.id, events);
    const checks = await checkContext(trx, now, caller);
    const out = await ingestAll(trx, kind, now, checks, events, effects, held);
    await storeEvents(trx, out.held.taken);
    const acked = await advanceAck(trx, caller.id, ack, out.held);
    // "Last seen" and the outbox depth commit with the batch: one commit (one sync to disk)
    // per push rather than two.
    await touchStation(
      { ...context, storage: { ...context.storage, db: trx } },
      caller.id,
      outboxDepth,
    );
    return { results: out.results, acked };
  };
  // SQLite: one writer, so concurrent stations' slices share a transaction and its sync to
  // disk (group-commit.ts). PostgreSQL takes them in parallel, each its own (decision 0008).
  return kind === 'sqlite'
    ? groupCommitOf(db).run(
        events.reduce((sum, event) => sum + weightOf(event), 0),
        take,
      )
    : db.transaction().execute(take);
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

/** What the checks need of the station and its line, read once per batch. */
async function checkContext(
  db: Db,
  now: Date,
  caller: StationCaller,
): Promise<Omit<CheckContext, 'facts'>> {
  const station = await db
    .selectFrom('stations')
    .innerJoin('lines', 'lines.id', 'stations.line_id')
    .select(['stations.created_at', 'lines.rules'])
    .where('stations.id', '=', caller.id)
    .executeTakeFirstOrThrow();
  return {
    now,
    caller,
    stationCreatedAt: station.created_at,
    rules: lineRules(station.rules),
  };
}

/**
 * The slice taken set-based (batch-ingest.ts) in a fixed number of statements. Should its
 * writes fail (a constraint, a value one engine refuses), it is taken again event by event,
 * each in its own savepoint, so the failing event is rejected alone and the rest applied.
 */
async function ingestAll(
  db: Db,
  kind: StorageKind,
  now: Date,
  checks: Omit<CheckContext, 'facts'>,
  events: StationEvent[],
  effects: Effects,
  held: Held,
): Promise<{ results: PushResult[]; held: Held }> {
  const notices = new Set(effects.orders);
  await sql`SAVEPOINT station_batch`.execute(db);
  try {
    const results = await ingestBatch(db, kind, now, checks, events, effects, held);
    await sql`RELEASE SAVEPOINT station_batch`.execute(db);
    return { results, held };
  } catch {
    await sql`ROLLBACK TO SAVEPOINT station_batch`.execute(db);
    await sql`RELEASE SAVEPOINT station_batch`.execute(db);
    restore(effects, notices);
    held = await heldEvents(db, checks.caller.id, events);
  }
  const results: PushResult[] = [];
  for (const event of events)
    results.push(await ingestOne(db, kind, now, checks, event, effects, held));
  return { results, held };
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

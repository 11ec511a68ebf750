import { randomUUID } from 'node:crypto';
import type { ExceptionKind } from '#core/api/plant.ts';
import { englishOf, type MessageParams, type ServerMessage } from '#core/api/messages.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { conflict, notFound } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import {
  containsText,
  keysetPage,
  namedIn,
  thenId,
  withinTime,
  type Sorts,
} from '../storage/paging.ts';
import type { PageQuery } from '#core/api/paging.ts';
import type { ExceptionsTable } from '../storage/schema.ts';
import {
  recordIntegrationEvents,
  type IntegrationEventInput,
} from '../integration/integration-events.ts';

export type { ExceptionKind };

export interface ExceptionInput {
  kind: ExceptionKind;
  orderCode: string | null;
  stationId: string | null;
  eventId: string | null;
  seq?: number | null;
  /** What people read, by key with parameters; `description` is its English sentence. */
  message: ServerMessage;
}

/** Raise something for people to look at; it stays open until someone resolves it with a note. */
export async function raiseException(db: Db, now: Date, input: ExceptionInput): Promise<string> {
  const [id = ''] = await raiseExceptions(db, now, [input]);
  return id;
}

/** The stored row of an exception raised now, open. */
export const exceptionRow = (now: Date, input: ExceptionInput): ExceptionsTable => ({
  id: randomUUID(),
  kind: input.kind,
  order_code: input.orderCode,
  station_id: input.stationId,
  event_id: input.eventId,
  station_seq: input.seq ?? null,
  description: englishOf(input.message),
  message_key: input.message.key,
  message_params: JSON.stringify(input.message.params),
  status: 'open',
  resolution_note: null,
  resolved_by: null,
  resolved_at: null,
  created_at: now.toISOString(),
});

/** What integrators hear of an exception raised. */
export const exceptionRaisedEvent = (row: ExceptionsTable): IntegrationEventInput => ({
  kind: row.kind === 'line_stop' ? 'line.stopped' : 'exception.raised',
  orderCode: row.order_code,
  stationId: row.station_id,
  data: {
    exception: row.id,
    exceptionKind: row.kind,
    description: row.description,
    messageKey: row.message_key,
    params: JSON.parse(row.message_params) as MessageParams,
  },
});

/** Several at once, in order: a constant number of statements however many. */
export async function raiseExceptions(
  db: Db,
  now: Date,
  inputs: readonly ExceptionInput[],
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) => exceptionRow(now, input));
  await db.insertInto('exceptions').values(rows).execute();
  await recordIntegrationEvents(db, now, rows.map(exceptionRaisedEvent));
  return rows.map((row) => row.id);
}

/** The stored message key and params as the API sends them (null key on rows from before). */
export const messageOf = (row: Pick<ExceptionsTable, 'message_key' | 'message_params'>) => ({
  messageKey: row.message_key || null,
  params: JSON.parse(row.message_params || '{}') as MessageParams,
});

export const EXCEPTION_SORTS = ['newest', 'oldest'] as const;
export type ExceptionSort = (typeof EXCEPTION_SORTS)[number];

const exceptionSorts: Sorts<ExceptionsTable, ExceptionSort> = {
  newest: thenId('exceptions', 'created_at', 'desc'),
  oldest: thenId('exceptions', 'created_at', 'asc'),
};

export interface ExceptionFilters {
  status?: string | undefined;
  kind?: string | undefined;
  /** The order's code. */
  order?: string | undefined;
  /** A station by name or id. */
  station?: string | undefined;
  /** Words in the description or the order code. */
  q?: string | undefined;
  /** Recorded by the server at or after `from` and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listExceptions(
  context: ServerContext,
  filters: ExceptionFilters,
  page: PageQuery<ExceptionSort>,
) {
  let query = context.storage.db.selectFrom('exceptions').selectAll('exceptions');
  if (filters.status) query = query.where('exceptions.status', '=', filters.status);
  if (filters.kind) query = query.where('exceptions.kind', '=', filters.kind);
  if (filters.order) query = query.where('exceptions.order_code', '=', filters.order);
  if (filters.station)
    query = query.where(namedIn('exceptions.station_id', 'stations', filters.station));
  query = withinTime(query, 'exceptions.created_at', filters);

  if (filters.q) {
    const text = filters.q;
    query = query.where((eb) =>
      eb.or([
        containsText('exceptions.description', text),
        containsText('exceptions.order_code', text),
      ]),
    );
  }
  const { rows, nextCursor } = await keysetPage(query, exceptionSorts, page);
  return {
    nextCursor,
    exceptions: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      order: row.order_code,
      station: row.station_id,
      event: row.event_id,
      seq: row.station_seq === null ? null : Number(row.station_seq),
      description: row.description,
      ...messageOf(row),
      status: row.status,
      resolutionNote: row.resolution_note,
      resolvedBy: row.resolved_by,
      resolvedAt: row.resolved_at,
      createdAt: row.created_at,
    })),
  };
}

export async function resolveException(
  context: ServerContext,
  caller: Caller,
  id: string,
  note: string,
) {
  const { db } = context.storage;
  const now = context.now();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('exceptions')
      .select(['status'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`Exception ${id}`);
    if (row.status === 'resolved') throw conflict('This exception is resolved already.');
    await trx
      .updateTable('exceptions')
      .set({
        status: 'resolved',
        resolution_note: note,
        resolved_by: caller.kind === 'user' ? caller.email : caller.name,
        resolved_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await audit(trx, now, caller, 'exception.resolved', 'exception', id, { note });
  });
}

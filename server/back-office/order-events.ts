import type { StationEvent } from '#core/events/station-events.ts';
import type { Db } from '../context.ts';

/** A stored station event with the names people read: station, line and operator. */
export interface EventRow {
  id: string;
  type: string;
  stationId: string;
  stationName: string;
  stationRole: string;
  line: string;
  operator: string | null;
  operatorName: string | null;
  orderCode: string | null;
  verdict: string | null;
  stationTime: string;
  serverTime: string;
  /** The station's sequence number: its own order of decisions. */
  seq: number;
  event: StationEvent;
  /** `applied`, or `rejected` by the server's checks (stored as a fact, not applied). */
  outcome: 'applied' | 'rejected';
  rejection: string | null;
}

/**
 * Station events, oldest first by the station's clock (when it happened, not when it
 * synced). With an order code: the events about that order, and also the scans made while
 * that order was loaded (a line stop is stored under the *scanned* order, but it happened
 * on this order's line). The body is JSON written by `JSON.stringify` at ingest, so the
 * key-value text is exact; the LIKE is parameterised.
 */
export async function loadEvents(
  db: Db,
  filter: { orderCode?: string; types?: string[]; appliedOnly?: boolean; line?: string } = {},
): Promise<EventRow[]> {
  let query = db
    .selectFrom('events')
    .innerJoin('stations', 'stations.id', 'events.station_id')
    .innerJoin('lines', 'lines.id', 'stations.line_id')
    .leftJoin('badges', 'badges.code', 'events.operator')
    .select([
      'events.id',
      'events.type',
      'events.station_id',
      'stations.name as station_name',
      'stations.role as station_role',
      'lines.name as line_name',
      'events.operator',
      'badges.name as operator_name',
      'events.order_code',
      'events.verdict',
      'events.station_time',
      'events.server_time',
      'events.seq',
      'events.body',
      'events.outcome',
      'events.rejection',
    ]);
  if (filter.types) query = query.where('events.type', 'in', filter.types);
  if (filter.appliedOnly) query = query.where('events.outcome', '=', 'applied');
  if (filter.line) query = query.where('lines.name', '=', filter.line);
  const code = filter.orderCode;
  if (code) {
    query = query.where((eb) =>
      eb.or([
        eb('events.order_code', '=', code),
        eb('events.body', 'like', `%"currentOrder":"${code}"%`),
      ]),
    );
  }
  const rows = await query.execute();
  return rows
    .map((row) => ({
      sortTime: Date.parse(row.station_time),
      seq: Number(row.seq),
      row: {
        id: row.id,
        type: row.type,
        stationId: row.station_id,
        stationName: row.station_name,
        stationRole: row.station_role,
        line: row.line_name,
        operator: row.operator,
        operatorName: row.operator_name,
        orderCode: row.order_code,
        verdict: row.verdict,
        stationTime: row.station_time,
        serverTime: row.server_time,
        seq: Number(row.seq),
        // Validated against the event schema at ingest; stored as received.
        event: JSON.parse(row.body) as StationEvent,
        outcome: row.outcome === 'rejected' ? ('rejected' as const) : ('applied' as const),
        rejection: row.rejection,
      },
    }))
    .sort((a, b) => a.sortTime - b.sortTime || a.seq - b.seq)
    .map((entry) => entry.row);
}

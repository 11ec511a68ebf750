import { sql } from 'kysely';
import type { Series, SeriesQuery } from '#core/api/back-office.ts';
import type { ServerContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { loadEvents } from './order-events.ts';
import { hourOf, unitsPerHour } from './dashboard.ts';

const HOUR_MS = 3_600_000;
/** Clocks run at most 14 hours ahead of UTC and 12 behind: a local hour text is this near. */
const OFFSET_SLACK_MS = 14 * HOUR_MS;

type Counted = Record<'scans' | 'stops' | 'packed' | 'shipped', number>;

/**
 * The hour bucket of a stored station time, computed by the database on the text: stations
 * write UTC (`…Z`), so the first 13 characters are the hour. A time sent with an offset
 * (`+08:00`) keeps its minute and offset so the server can turn it into its UTC hour
 * exactly, even for half-hour offsets. Text functions only: the same SQL on both engines.
 */
const bucketKey = sql<string>`case when events.station_time like '%Z'
  then substr(events.station_time, 1, 13)
  else substr(events.station_time, 1, 16) || substr(events.station_time, length(events.station_time) - 5)
  end`;

/** The UTC hour start a bucket key names. */
function hourOfKey(key: string): string {
  return key.length === 13 ? `${key}:00:00.000Z` : hourOf(`${key.slice(0, 16)}:00${key.slice(16)}`);
}

/**
 * A line's hourly time series: scans decided, line stops, units finished, packages closed and
 * packages dispatched, by the station's clock (when it happened, not when it synced).
 * Stops are the scans whose verdict stopped the line (each raised a line_stop exception);
 * produced is finished units as the floor dashboard counts them (dashboard.ts unitsPerHour).
 * Only events the server applied count.
 */
export async function lineSeries(context: ServerContext, query: SeriesQuery): Promise<Series> {
  const { db } = context.storage;
  const line = await db
    .selectFrom('lines')
    .select('id')
    .where('name', '=', query.line)
    .executeTakeFirst();
  if (!line) throw notFound(`Line ${query.line}`);

  const from = Math.floor(Date.parse(query.from) / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(Date.parse(query.to) / HOUR_MS) * HOUR_MS;
  const hourText = (ms: number) => new Date(ms).toISOString().slice(0, 13);
  const buckets = new Map<string, Counted & { produced: number }>();
  for (let hour = from; hour < to; hour += HOUR_MS) {
    buckets.set(new Date(hour).toISOString(), {
      scans: 0,
      stops: 0,
      produced: 0,
      packed: 0,
      shipped: 0,
    });
  }

  const [grouped, progress] = await Promise.all([
    db
      .selectFrom('events')
      .innerJoin('stations', 'stations.id', 'events.station_id')
      .select((eb) => [
        'events.type',
        'events.verdict',
        bucketKey.as('bucket'),
        eb.fn.countAll<number | string>().as('n'),
      ])
      .where('stations.line_id', '=', line.id)
      .where('events.outcome', '=', 'applied')
      .where('events.type', 'in', ['scan.decided', 'package.closed', 'package.dispatched'])
      // A coarse cut on the text, wide enough for any offset; the buckets below are exact.
      .where(sql`substr(events.station_time, 1, 13)`, '>=', hourText(from - OFFSET_SLACK_MS))
      .where(sql`substr(events.station_time, 1, 13)`, '<', hourText(to + OFFSET_SLACK_MS))
      .groupBy(['events.type', 'events.verdict', bucketKey])
      .execute(),
    // An order is made on one line: its earlier reports are this line's too.
    loadEvents(db, { types: ['progress.reported'], appliedOnly: true, line: query.line }),
  ]);

  for (const row of grouped) {
    const bucket = buckets.get(hourOfKey(row.bucket));
    if (!bucket) continue;
    const n = Number(row.n);
    if (row.type === 'package.closed') bucket.packed += n;
    else if (row.type === 'package.dispatched') bucket.shipped += n;
    else {
      bucket.scans += n;
      if (row.verdict === 'line_stop') bucket.stops += n;
    }
  }
  const inRange = (time: number) => time >= from && time < to;
  for (const row of unitsPerHour(progress, (event) => inRange(Date.parse(event.stationTime)))) {
    const bucket = row.line === query.line ? buckets.get(row.hour) : undefined;
    if (bucket) bucket.produced += row.units;
  }

  return {
    line: query.line,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket: 'hour',
    buckets: [...buckets].map(([start, counts]) => ({ start, ...counts })),
  };
}

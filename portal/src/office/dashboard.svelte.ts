import {
  dashboardSchema,
  seriesSchema,
  type Dashboard,
  type Series,
  type SeriesMeasure,
} from '#core/api/back-office.ts';
import { call, query } from '../lib/api.ts';

export interface Bar {
  label: string;
  value: number;
}

/** The floor dashboard since a time, reduced to the bars each chart draws. */
export class FloorDashboard {
  since = $state(new Date(Date.now() - 7 * 24 * 3600_000).toISOString().slice(0, 10));
  data = $state<Dashboard | null>(null);
  error = $state<unknown>(null);

  unitsPerLine = $derived(
    this.#sum(
      this.data?.unitsPerHour ?? [],
      (r) => r.line,
      (r) => r.units,
    ),
  );
  /** Average finished units per hour that had any, per line. */
  unitsPerHour = $derived(
    this.unitsPerLine.map((bar) => ({
      label: bar.label,
      value:
        bar.value /
        Math.max(1, (this.data?.unitsPerHour ?? []).filter((r) => r.line === bar.label).length),
    })),
  );
  /** The latest working hours, one bar per line and hour. */
  recentHours = $derived(
    (this.data?.unitsPerHour ?? []).slice(-12).map((r) => ({
      line: r.line,
      hour: r.hour,
      value: r.units,
    })),
  );
  lineStops = $derived(
    this.#sum(
      this.data?.lineStops ?? [],
      (r) => r.line,
      (r) => r.stops,
    ),
  );
  firstPass = $derived(
    (this.data?.firstPassAccuracy.byLine ?? []).map((r) => ({ label: r.line, value: r.rate ?? 0 })),
  );
  ordersByState = $derived((this.data?.ordersByState ?? []).filter((r) => r.count > 0));

  load = async () => {
    try {
      const since = new Date(`${this.since}T00:00:00`).toISOString();
      this.data = await call(dashboardSchema, 'GET', `/api/v1/dashboard${query({ since })}`);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  };

  #sum<T>(rows: T[], key: (row: T) => string, value: (row: T) => number): Bar[] {
    const totals = new Map<string, number>();
    for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + value(row));
    return [...totals].map(([label, total]) => ({ label, value: total }));
  }
}

export type SeriesRange = 'day' | 'week';

/** One column of a line's series: when it starts, what it counts, and how many. */
export interface SeriesColumn {
  start: string;
  value: number;
}

const HOUR_MS = 3_600_000;

/**
 * A line's time series (GET /api/v1/dashboard/series): the last 24 hours hour by hour, or
 * the last 7 days summed per day so a week stays seven readable columns.
 */
export class LineSeriesView {
  line = $state('');
  range = $state<SeriesRange>('day');
  data = $state<Series | null>(null);
  error = $state<unknown>(null);

  columns = (measure: SeriesMeasure): SeriesColumn[] => {
    const buckets = this.data?.buckets ?? [];
    if (this.range === 'day') return buckets.map((b) => ({ start: b.start, value: b[measure] }));
    // Days as the reader's clock has them: the week's range ends at a local midnight.
    const days = new Map<string, SeriesColumn>();
    for (const b of buckets) {
      const day = new Date(b.start).toDateString();
      const column = days.get(day) ?? { start: b.start, value: 0 };
      column.value += b[measure];
      days.set(day, column);
    }
    return [...days.values()];
  };

  load = async () => {
    if (!this.line) return;
    // A day ends with the hour under way; a week with today (the next local midnight).
    const midnight = new Date();
    midnight.setHours(24, 0, 0, 0);
    const to =
      this.range === 'day' ? Math.ceil(Date.now() / HOUR_MS) * HOUR_MS : midnight.getTime();
    const from = to - (this.range === 'day' ? 24 : 7 * 24) * HOUR_MS;
    try {
      this.data = await call(
        seriesSchema,
        'GET',
        `/api/v1/dashboard/series${query({
          line: this.line,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          bucket: 'hour',
        })}`,
      );
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  };
}

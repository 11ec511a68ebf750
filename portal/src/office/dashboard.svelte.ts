import { dashboardSchema, type Dashboard } from '#core/api/back-office.ts';
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

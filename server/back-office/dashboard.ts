import type { Dashboard } from '#core/api/back-office.ts';
import { FINISHED_STEP } from '#core/api/sync.ts';
import { ORDER_STATES } from '#core/orders/state-machine.ts';
import type { ServerContext } from '../context.ts';
import { loadEvents, type EventRow } from './order-events.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_WINDOW_MS = 7 * DAY_MS;

export const hourOf = (iso: string) => `${new Date(iso).toISOString().slice(0, 13)}:00:00.000Z`;
const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);

function count<K extends string>(keys: K[]): Map<K, number> {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * Finished units per line per hour: each finished-step report adds the units beyond the
 * most its order had reported before (reports are cumulative and may repeat). The earlier
 * reports count towards "before" even when they are outside the window.
 */
export function unitsPerHour(rows: EventRow[], inWindow: (row: EventRow) => boolean) {
  const reported = new Map<string, number>();
  const units = new Map<string, { line: string; hour: string; units: number }>();
  for (const row of rows) {
    const body = row.event.body;
    if (body.type !== 'progress.reported' || body.step !== FINISHED_STEP) continue;
    const before = reported.get(body.order) ?? 0;
    const done = Math.min(body.unitsDone, body.unitsOrdered);
    if (done <= before) continue;
    reported.set(body.order, done);
    if (!inWindow(row)) continue;
    const hour = hourOf(row.stationTime);
    const key = `${row.line}\u0000${hour}`;
    const entry = units.get(key) ?? { line: row.line, hour, units: 0 };
    entry.units += done - before;
    units.set(key, entry);
  }
  return [...units.values()].sort(
    (a, b) => a.hour.localeCompare(b.hour) || a.line.localeCompare(b.line),
  );
}

/**
 * First-pass scan accuracy: the share of scan attempts accepted on the first try.
 * Per station, in its own sequence, an *attempt* is a run of refused scan decisions ended
 * by an accepted one (or by the end of the window); it passes first time when its first
 * decision is accepted. Refusals because the line was already stopped (`line_stopped`)
 * are not tries: they follow from the mistake that stopped the line.
 */
function firstPass(rows: EventRow[]) {
  const byStation = new Map<string, EventRow[]>();
  for (const row of rows) {
    if (row.event.body.type !== 'scan.decided' || row.verdict === 'line_stopped') continue;
    byStation.set(row.stationId, [...(byStation.get(row.stationId) ?? []), row]);
  }
  const perLine = new Map<string, { attempts: number; firstPass: number }>();
  for (const decisions of byStation.values()) {
    const line = decisions[0]?.line ?? '';
    const tally = perLine.get(line) ?? { attempts: 0, firstPass: 0 };
    let inAttempt = false;
    for (const row of [...decisions].sort((a, b) => a.seq - b.seq)) {
      const accepted = row.verdict === 'accepted';
      if (!inAttempt) {
        tally.attempts += 1;
        if (accepted) tally.firstPass += 1;
      }
      inAttempt = !accepted;
    }
    perLine.set(line, tally);
  }
  const rate = (t: { attempts: number; firstPass: number }) => ({
    ...t,
    rate: t.attempts === 0 ? null : t.firstPass / t.attempts,
  });
  const total = [...perLine.values()].reduce(
    (sum, t) => ({ attempts: sum.attempts + t.attempts, firstPass: sum.firstPass + t.firstPass }),
    { attempts: 0, firstPass: 0 },
  );
  return {
    ...rate(total),
    byLine: [...perLine]
      .map(([line, t]) => ({ line, ...rate(t) }))
      .sort((a, b) => a.line.localeCompare(b.line)),
  };
}

/** The floor dashboard: throughput, line stops, scan accuracy and orders by state. */
export async function dashboard(context: ServerContext, since?: string): Promise<Dashboard> {
  const { db } = context.storage;
  const now = context.now();
  const from = since ? new Date(since) : new Date(now.getTime() - DEFAULT_WINDOW_MS);
  const [rows, states] = await Promise.all([
    loadEvents(db, { types: ['progress.reported', 'scan.decided'], appliedOnly: true }),
    db
      .selectFrom('orders')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute(),
  ]);
  const inWindow = (row: EventRow) => Date.parse(row.stationTime) >= from.getTime();
  const windowed = rows.filter(inWindow);
  const stops = count(
    windowed
      .filter((row) => row.verdict === 'line_stop')
      .map((row) => `${row.line}\u0000${dayOf(row.stationTime)}`),
  );
  const byState = new Map(states.map((row) => [row.state, Number(row.n)]));
  return {
    since: from.toISOString(),
    until: now.toISOString(),
    unitsPerHour: unitsPerHour(rows, inWindow),
    lineStops: [...stops]
      .map(([key, n]) => {
        const [line = '', day = ''] = key.split('\u0000');
        return { line, day, stops: n };
      })
      .sort((a, b) => a.day.localeCompare(b.day) || a.line.localeCompare(b.line)),
    firstPassAccuracy: firstPass(windowed),
    ordersByState: ORDER_STATES.map((state) => ({ state, count: byState.get(state) ?? 0 })),
  };
}

import type { Trace } from '#core/api/back-office.ts';

export interface TimelineEntry {
  at: string;
  what: string;
  where: string;
  who: string;
  /** The entry names the traced code itself. */
  hit: boolean;
  problem: boolean;
}

const scanned = (body: Record<string, unknown>): string => {
  for (const key of ['scanned', 'package', 'code']) {
    const value = body[key];
    if (typeof value === 'string') return ` ${value}`;
  }
  return '';
};

/** The order's audit history, its station events and its exceptions as one time line. */
export function traceTimeline(trace: Trace): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...trace.history.map((entry) => ({
      at: entry.at,
      what: entry.action,
      where: '',
      who: entry.actor,
      hit: false,
      problem: false,
    })),
    ...trace.events.map((event) => ({
      at: event.serverTime,
      what: `${event.type}${event.verdict ? ` (${event.verdict})` : ''}${scanned(event.body)}`,
      where: `${event.station.name} · ${event.station.line}`,
      who: event.operator ? (event.operator.name ?? event.operator.code) : '',
      hit: event.mentionsCode,
      problem: event.verdict !== null && event.verdict !== 'accepted',
    })),
    ...trace.exceptions.map((exception) => ({
      at: exception.createdAt,
      what: `${exception.kind}: ${exception.description}`,
      where: '',
      who: exception.resolvedBy ?? '',
      hit: false,
      problem: true,
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

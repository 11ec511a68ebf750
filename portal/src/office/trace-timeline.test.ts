import { describe, expect, it } from 'vitest';
import type { Trace } from '#core/api/back-office.ts';
import { traceTimeline } from './trace-timeline.ts';

const station = { id: 's1', name: 'prod-1', role: 'production', line: 'L1' };
const trace = {
  history: [
    { at: '2026-01-01T08:00:00.000Z', actor: 'user:planner', action: 'order.release', detail: {} },
  ],
  events: [
    {
      id: 'e2',
      type: 'scan.decided',
      station,
      operator: { code: 'BG1', name: 'Zhao' },
      stationTime: '2026-01-01T09:00:00.000Z',
      serverTime: '2026-01-01T09:00:01.000Z',
      verdict: 'line_stop',
      body: { scanned: 'RSX' },
      mentionsCode: true,
    },
    {
      id: 'e1',
      type: 'order.loaded',
      station,
      operator: null,
      stationTime: '2026-01-01T08:30:00.000Z',
      serverTime: '2026-01-01T08:30:01.000Z',
      verdict: null,
      body: {},
      mentionsCode: false,
    },
  ],
  exceptions: [
    {
      id: 'x1',
      kind: 'line_stop',
      description: 'Resource of another order',
      status: 'open',
      event: 'e2',
      resolutionNote: null,
      resolvedBy: null,
      createdAt: '2026-01-01T09:00:02.000Z',
    },
  ],
} as unknown as Trace;

describe('the trace time line', () => {
  it('merges audit history, station events and exceptions in time order', () => {
    expect(traceTimeline(trace).map((entry) => entry.what)).toEqual([
      'order.release',
      'order.loaded',
      'scan.decided (line_stop) RSX',
      'line_stop: Resource of another order',
    ]);
  });

  it('marks the entries that name the traced code and the ones that went wrong', () => {
    const [, loaded, stop, exception] = traceTimeline(trace);
    expect(loaded).toMatchObject({ hit: false, problem: false, who: '', where: 'prod-1 · L1' });
    expect(stop).toMatchObject({ hit: true, problem: true, who: 'Zhao' });
    expect(exception).toMatchObject({ problem: true });
  });
});

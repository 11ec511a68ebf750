/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { describe, expect, it } from 'vitest';
import { STORAGES } from './harness.ts';
import { scenarioOn } from './trace-scenario.ts';

describe.each(STORAGES)('floor dashboard on %s', (storage) => {
  const s = scenarioOn(storage);

  it('counts finished units per line per hour, line stops per day, first-pass accuracy and orders by state', async () => {
    const response = await s.planner.get('/api/v1/dashboard');
    expect(response.status).toBe(200);
    const board = response.body;
    expect(Date.parse(board.until) - Date.parse(board.since)).toBe(7 * 24 * 3600 * 1000);

    // Two finished-step reports (1 of 2, then 2 of 2) are two units, not three.
    expect(
      board.unitsPerHour.every((row: any) => row.line === 'L1' && row.hour.endsWith(':00:00.000Z')),
    ).toBe(true);
    expect(board.unitsPerHour.reduce((sum: number, row: any) => sum + row.units, 0)).toBe(2);

    expect(board.lineStops).toEqual([
      { line: 'L1', day: new Date().toISOString().slice(0, 10), stops: 1 },
    ]);
    // The scenario consumes all ten resources of the bill: accepted | line_stop, misread,
    // accepted, then eight more accepted. Ten attempts, nine passed first time.
    expect(board.firstPassAccuracy).toEqual({
      attempts: 10,
      firstPass: 9,
      rate: 0.9,
      byLine: [{ line: 'L1', attempts: 10, firstPass: 9, rate: 0.9 }],
    });
    const states = Object.fromEntries(
      board.ordersByState.map((row: any) => [row.state, row.count]),
    );
    expect(states).toMatchObject({ delivered: 1, released: 1, submitted: 0 });
  });

  it('limits the window to `since`, and refuses a since that is no time', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = (await s.planner.get(`/api/v1/dashboard?since=${encodeURIComponent(future)}`))
      .body;
    expect(later.unitsPerHour).toEqual([]);
    expect(later.lineStops).toEqual([]);
    expect(later.firstPassAccuracy).toMatchObject({ attempts: 0, rate: null });
    // Orders by state is the current count, whatever the window.
    expect(later.ordersByState.find((row: any) => row.state === 'delivered').count).toBe(1);

    const bad = await s.planner.get('/api/v1/dashboard?since=last-week');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toMatch(/since/);
    const unknown = await s.planner.get('/api/v1/dashboard?from=2026-01-01T00:00:00Z');
    expect(unknown.status).toBe(400);
  });

  it('is for staff only', async () => {
    expect((await s.customer.get('/api/v1/dashboard')).status).toBe(403);
    expect((await s.server.client().get('/api/v1/dashboard')).status).toBe(401);
  });
});

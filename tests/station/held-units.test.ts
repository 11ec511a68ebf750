import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { fixturePerTest, stationFixture } from './station-fixture.ts';

/*
 * "+1 unit done" is held for a grace period before it is recorded (held-units.ts): undo
 * drops it, and once recorded it is one cumulative progress.reported, the event the server
 * already checks. The guarantee: a unit is never counted twice and never lost, whatever the
 * taps, undos, passing time and restarts.
 */
const GRACE = 5_000;

/** A station with its own clock, its order loaded and all materials consumed. */
function heldFixture(make: typeof stationFixture, units = 4) {
  let time = Date.parse('2026-12-03T08:00:00.000Z');
  const f = make('production', 'released', {
    units,
    now: () => new Date(time),
    unitGraceMs: GRACE,
  });
  f.station.scan(f.order);
  // The fixture's order needs a top and two legs a table: with four tables the assembly
  // step's materials run short, which the tests below use; the finished step needs them all.
  return {
    f,
    advance(ms: number) {
      time += ms;
      f.station.commitHeldUnits();
    },
    /** The clock moves on while nothing runs (the station is down). */
    later(ms: number) {
      time += ms;
    },
    progress: () => f.events().filter((e) => e.body.type === 'progress.reported'),
  };
}

describe('held units (+1 unit done with undo)', () => {
  const open = fixturePerTest();

  it('records nothing during the grace period, then one cumulative report', () => {
    const { f, advance, progress } = heldFixture(open, 1);
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    const reply = f.station.addUnits('assembly', 1);
    expect(reply).toMatchObject({ ok: true });
    expect(f.station.state().pendingUnits).toEqual([
      { step: 'assembly', units: 1, commitAt: '2026-12-03T08:00:05.000Z' },
    ]);
    advance(GRACE - 1);
    expect(progress()).toEqual([]);
    advance(1);
    expect(progress().map((e) => e.body)).toEqual([
      expect.objectContaining({ step: 'assembly', unitsDone: 1, unitsOrdered: 1 }),
    ]);
    expect(f.station.state().pendingUnits).toEqual([]);
    expect(f.station.state().progress).toEqual({ assembly: 1 });
  });

  it('undo within the grace period records nothing; after it there is nothing to undo', () => {
    const { f, advance, progress } = heldFixture(open, 1);
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    f.station.addUnits('assembly', 1);
    expect(f.station.undoUnits('assembly')).toMatchObject({
      ok: true,
      note: { key: 'units_undone', params: { units: 1 } },
    });
    advance(GRACE * 2);
    expect(progress()).toEqual([]);
    f.station.addUnits('assembly', 1);
    advance(GRACE);
    expect(f.station.undoUnits('assembly')).toMatchObject({
      ok: false,
      error: { key: 'nothing_to_undo' },
    });
    expect(progress()).toHaveLength(1);
  });

  it('refuses more units than the step has left, and units whose materials are missing', () => {
    const { f } = heldFixture(open, 1);
    expect(f.station.addUnits('assembly', 1)).toMatchObject({
      ok: false,
      error: { key: 'materials_missing' },
    });
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    expect(f.station.addUnits('assembly', 2)).toMatchObject({
      ok: false,
      error: { key: 'units_too_many', params: { remaining: 1 } },
    });
    expect(f.station.state().pendingUnits).toEqual([]);
  });

  it('a tap is refused without an operator and while the line is stopped', () => {
    const { f } = heldFixture(open, 1);
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    f.station.logout();
    expect(f.station.addUnits('assembly', 1)).toMatchObject({
      ok: false,
      error: { key: 'operator_required' },
    });
    f.station.login(f.operator);
    f.station.scan(mintOrderScopedCode('resource', f.other, 1));
    expect(f.station.state().lineStop).not.toBeNull();
    expect(f.station.addUnits('assembly', 1)).toMatchObject({
      ok: false,
      error: { key: 'line_stopped' },
    });
  });

  it('units tapped before a line stop are still recorded when their time comes', () => {
    const { f, advance, progress } = heldFixture(open, 1);
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    f.station.addUnits('assembly', 1);
    f.station.scan(mintOrderScopedCode('resource', f.other, 1));
    advance(GRACE);
    expect(progress()).toHaveLength(1);
  });

  it('units held when the station goes down are recorded once after the restart', async () => {
    const { f, later, progress } = heldFixture(open, 1);
    for (const n of [1, 2, 3]) f.station.scan(f.resource(n));
    f.station.addUnits('assembly', 1);
    later(GRACE * 3);
    await f.restart();
    // Started again past the held deadline: recorded at start, from the work state on file.
    expect(progress().map((e) => e.body)).toEqual([
      expect.objectContaining({ step: 'assembly', unitsDone: 1 }),
    ]);
    expect(f.station.state().pendingUnits).toEqual([]);
    f.station.commitHeldUnits(true);
    expect(progress()).toHaveLength(1);
  });

  it('the units recorded are exactly those tapped and not undone, each counted once', () => {
    type Op =
      | { do: 'add'; step: 'assembly' | 'finished'; units: number }
      | { do: 'undo'; step: 'assembly' | 'finished' }
      | { do: 'wait'; ms: number }
      | { do: 'restart' };
    const step = fc.constantFrom('assembly' as const, 'finished' as const);
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          do: fc.constant('add' as const),
          step,
          units: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ do: fc.constant('undo' as const), step }) },
      {
        weight: 3,
        arbitrary: fc.record({
          do: fc.constant('wait' as const),
          ms: fc.integer({ min: 0, max: 2 * GRACE }),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ do: 'restart' as const }) },
    );
    return fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const units = 6;
        let time = Date.parse('2026-12-03T08:00:00.000Z');
        const f = stationFixture('production', 'released', {
          units,
          now: () => new Date(time),
          unitGraceMs: GRACE,
        });
        try {
          f.station.scan(f.order);
          // Materials for all six tables, so both steps can take every unit.
          const store = f.store();
          for (let n = 6; n < 6 + 3 * units; n += 1) {
            const type = n % 3 === 0 ? 'top' : 'leg';
            store.put('resource', f.resource(n), {
              code: f.resource(n),
              order: f.order,
              serial: n,
              resourceType: type,
              materialName: type,
              step: 'assembly',
              consumedAt: null,
            });
            f.station.scan(f.resource(n));
          }
          expect(f.station.state().order?.materialsComplete).toBe(true);
          // The model: units held per step (with their deadline) and recorded per step.
          const held = new Map<string, { units: number; at: number }>();
          const recorded = new Map<string, number>();
          const commitDue = () => {
            for (const [s, h] of held)
              if (h.at <= time) {
                recorded.set(s, (recorded.get(s) ?? 0) + h.units);
                held.delete(s);
              }
          };
          for (const o of ops) {
            if (o.do === 'add') {
              const reply = f.station.addUnits(o.step, o.units);
              const before = (recorded.get(o.step) ?? 0) + (held.get(o.step)?.units ?? 0);
              // Accepted exactly while the step has units left for it.
              expect(reply.ok).toBe(before + o.units <= units);
              if (reply.ok) {
                const h = held.get(o.step);
                held.set(o.step, { units: (h?.units ?? 0) + o.units, at: time + GRACE });
              }
            } else if (o.do === 'undo') {
              const reply = f.station.undoUnits(o.step);
              expect(reply.ok).toBe(held.has(o.step));
              held.delete(o.step);
            } else if (o.do === 'wait') {
              time += o.ms;
              f.station.commitHeldUnits();
              commitDue();
            } else {
              // A restart records what is due at the restart's clock (the fixture's).
              await f.restart();
              f.station.commitHeldUnits();
              commitDue();
            }
            const state = f.station.state();
            for (const s of ['assembly', 'finished']) {
              expect(state.progress[s] ?? 0).toBe(recorded.get(s) ?? 0);
              expect(state.pendingUnits.find((p) => p.step === s)?.units).toBe(held.get(s)?.units);
            }
          }
          f.station.commitHeldUnits(true);
          for (const [s, h] of held) recorded.set(s, (recorded.get(s) ?? 0) + h.units);
          // Every recorded report is cumulative and rises by exactly what was held.
          for (const s of ['assembly', 'finished']) {
            const reports = f
              .events()
              .flatMap((e) =>
                e.body.type === 'progress.reported' && e.body.step === s ? [e.body.unitsDone] : [],
              );
            const last = reports.at(-1) ?? 0;
            expect(last).toBe(recorded.get(s) ?? 0);
            expect(last).toBeLessThanOrEqual(units);
            reports.forEach((n, i) => expect(n).toBeGreaterThan(reports[i - 1] ?? 0));
          }
        } finally {
          await f.close();
        }
      }),
      { numRuns: Number(process.env.ORDERTRACE_PROPERTY_RUNS ?? 40) },
    );
  }, 120_000);
});

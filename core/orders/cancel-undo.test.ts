import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANCEL_UNDO_MS, undoCancel, undoUntil } from './cancel-undo.ts';
import { ORDER_STATES, OPEN_STATES, transition } from './state-machine.ts';

const at = '2026-03-02T08:00:00.000Z';
const after = (ms: number) => new Date(Date.parse(at) + ms);

describe('undoing a cancel', () => {
  it('puts the order back where it was within the grace period', () => {
    expect(undoCancel('cancelled', { at, from: 'in_production' }, after(60_000))).toEqual({
      ok: true,
      status: { state: 'in_production' },
    });
    expect(
      undoCancel('cancelled', { at, from: 'on_hold', heldFrom: 'released' }, after(1)),
    ).toEqual({ ok: true, status: { state: 'on_hold', heldFrom: 'released' } });
  });

  it('is refused once the grace period has passed, and for an order that is not cancelled', () => {
    const late = undoCancel('cancelled', { at, from: 'confirmed' }, after(CANCEL_UNDO_MS));
    expect(late).toMatchObject({ ok: false, reason: expect.stringMatching(/final now/) });
    expect(undoCancel('confirmed', { at, from: 'confirmed' }, after(1))).toMatchObject({
      ok: false,
    });
    expect(undoCancel('cancelled', null, after(1))).toMatchObject({ ok: false });
    expect(undoCancel('cancelled', { at, from: 'on_hold' }, after(1))).toMatchObject({
      ok: false,
    });
    expect(undoUntil(at)).toBe('2026-03-02T08:10:00.000Z');
  });

  it('invariant: within the grace, cancel then undo is the identity on every cancellable status', () => {
    const cancellable = ORDER_STATES.filter((s) => OPEN_STATES.has(s));
    fc.assert(
      fc.property(
        fc.constantFrom(...cancellable, 'on_hold' as const),
        fc.constantFrom(...cancellable),
        fc.integer({ min: 0, max: CANCEL_UNDO_MS - 1 }),
        (state, heldFrom, elapsed) => {
          const status = state === 'on_hold' ? { state, heldFrom } : { state };
          const cancelled = transition(status, 'cancel');
          expect(cancelled).toMatchObject({ ok: true, status: { state: 'cancelled' } });
          const undone = undoCancel(
            'cancelled',
            { at, from: status.state, heldFrom: status.heldFrom ?? null },
            after(elapsed),
          );
          expect(undone).toEqual({ ok: true, status });
        },
      ),
    );
  });
});

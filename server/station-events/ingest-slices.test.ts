import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEvent } from '#core/events/station-events.ts';
import { INGEST_SLICE_CODES, slicesByWeight } from './ingest.ts';

const order = mintOrderCode();
const eventOf = (seq: number, units: number): StationEvent => ({
  id: `e${seq}`,
  stationId: 's',
  seq,
  operator: null,
  stationTime: '2026-12-03T09:00:00.000Z',
  body:
    units === 0
      ? { type: 'order.loaded', order }
      : {
          type: 'package.closed',
          order,
          package: mintOrderScopedCode('package', order, seq),
          sscc: null,
          units: Array.from({ length: units }, (_, i) => mintOrderScopedCode('unit', order, i + 1)),
          number: seq,
          of: null,
        },
});
const weight = (event: StationEvent) =>
  event.body.type === 'package.closed' ? event.body.units.length : 1;

describe('slicesByWeight', () => {
  it('keeps an ordinary push whole: one transaction', () => {
    const events = Array.from({ length: 200 }, (_, i) => eventOf(i + 1, 0));
    expect(slicesByWeight(events)).toEqual([events]);
  });

  it('cuts a heavy push into consecutive slices of at most the limit, none lost or reordered', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 30 }), (sizes) => {
        const events = sizes.map((units, i) => eventOf(i + 1, units));
        const slices = slicesByWeight(events);
        expect(slices.flat()).toEqual(events);
        for (const slice of slices) {
          expect(slice.length).toBeGreaterThan(0);
          const total = slice.reduce((sum, event) => sum + weight(event), 0);
          // Over the limit only when one event alone is.
          if (slice.length > 1) expect(total).toBeLessThanOrEqual(INGEST_SLICE_CODES);
        }
      }),
      { numRuns: 50 },
    );
  });
});

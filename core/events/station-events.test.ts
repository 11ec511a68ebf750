import { describe, expect, it } from 'vitest';
import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '../codes/formats.ts';
import { createUuidV7Generator } from '../ids/uuid-v7.ts';
import { stationEventSchema, type StationEvent } from './station-events.ts';

const order = mintOrderCode();
const other = mintOrderCode();
const nextId = createUuidV7Generator();

function lineStop(): StationEvent {
  return {
    id: nextId(),
    stationId: 'line-1-production',
    seq: 1,
    operator: mintBadgeCode(),
    stationTime: '2026-11-28T08:00:00.000+08:00',
    body: {
      type: 'scan.decided',
      role: 'production',
      currentOrder: order,
      scanned: mintOrderScopedCode('resource', other, 1),
      scannedOrder: other,
      verdict: 'line_stop',
      reason: 'This resource belongs to another order.',
    },
  };
}

describe('station event schemas', () => {
  it('accepts a decision with both codes, station, operator, time and verdict', () => {
    const event = lineStop();
    expect(stationEventSchema.parse(event)).toEqual(event);
  });

  it('refuses an event whose order code is a misread', () => {
    const event = lineStop();
    if (event.body.type === 'scan.decided')
      event.body.currentOrder = order.slice(0, -1) + (order.endsWith('0') ? '1' : '0');
    const result = stationEventSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/misread/);
  });

  it('refuses a code of the wrong kind, an unknown verdict, a bad id or sequence', () => {
    const wrongKind = lineStop();
    wrongKind.operator = order;
    expect(stationEventSchema.safeParse(wrongKind).error?.issues[0]?.message).toMatch(
      /expected a badge code, got an order/,
    );
    expect(
      stationEventSchema.safeParse({
        ...lineStop(),
        body: { ...lineStop().body, verdict: 'maybe' },
      }).success,
    ).toBe(false);
    expect(stationEventSchema.safeParse({ ...lineStop(), id: 'not-a-uuid' }).success).toBe(false);
    expect(stationEventSchema.safeParse({ ...lineStop(), seq: 0 }).success).toBe(false);
    expect(stationEventSchema.safeParse({ ...lineStop(), stationTime: 'yesterday' }).success).toBe(
      false,
    );
  });

  it('needs a reason of substance to clear a line stop', () => {
    const clear = {
      ...lineStop(),
      body: { type: 'line.cleared', supervisor: mintBadgeCode(), reason: '  ' },
    };
    expect(stationEventSchema.safeParse(clear).success).toBe(false);
    clear.body.reason = 'Wrong pallet staged at cell 3; removed.';
    expect(stationEventSchema.safeParse(clear).success).toBe(true);
  });

  it('refuses an unknown event type', () => {
    expect(
      stationEventSchema.safeParse({ ...lineStop(), body: { type: 'order.teleported' } }).success,
    ).toBe(false);
  });
});

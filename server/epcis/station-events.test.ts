import { describe, expect, it } from 'vitest';
import { FINISHED_STEP } from '#core/api/sync.ts';
import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import type { StationEventBody, Verdict } from '#core/events/station-events.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import { stationEventToEpcis } from './station-events.ts';
import type { EventRow } from '../back-office/order-events.ts';

const ORDER = mintOrderCode();
let seq = 0;

function row(body: StationEventBody, stationTime = '2026-11-28T09:30:00.000+08:00'): EventRow {
  seq += 1;
  return {
    id: `0192f0c4-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    type: body.type,
    stationId: 'st-1',
    stationName: 'assembly 1',
    stationRole: 'production',
    line: 'L 1',
    operator: null,
    operatorName: null,
    orderCode: ORDER,
    verdict: body.type === 'scan.decided' ? body.verdict : null,
    stationTime,
    serverTime: '2026-11-28T01:31:00.000Z',
    seq,
    event: {
      id: 'x',
      stationId: 'st-1',
      seq,
      operator: null,
      stationTime,
      body,
    },
    outcome: 'applied',
    rejection: null,
  };
}

const map = (r: EventRow, produced = new Map<string, number>()) =>
  stationEventToEpcis(r, new Map(), new Map(), produced);

/** A scan as a station records it: the normalised code, and the effect when it consumed. */
const scan = (verdict: Verdict, role: 'production' | 'packing', scanned: string) => {
  const parsed = parseScan(scanned);
  const code = parsed.valid ? parsed.code : null;
  return row({
    type: 'scan.decided',
    role,
    currentOrder: ORDER,
    scanned,
    code,
    scannedOrder: ORDER,
    verdict,
    reason: 'test',
    effect:
      verdict === 'accepted' && role === 'production' && parsed.kind === 'resource' && code
        ? { kind: 'consume', resource: code }
        : null,
  });
};

describe('station events as EPCIS events', () => {
  it('keeps the station’s own time zone, and escapes names into URNs', () => {
    const [event] = map(scan('accepted', 'production', mintOrderScopedCode('resource', ORDER, 1)));
    expect(event).toMatchObject({
      eventTime: '2026-11-28T09:30:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      bizLocation: { id: 'urn:ordertrace:line:L%201' },
    });
    expect(event).not.toHaveProperty('ordertrace:operator');
  });

  it('names each refused scan’s disposition after what went wrong', () => {
    const resource = mintOrderScopedCode('resource', ORDER, 1);
    const dispositions = (
      ['line_stop', 'wrong_order', 'wrong_material', 'wrong_kind', 'already_consumed'] as const
    ).map((verdict) => map(scan(verdict, 'production', resource))[0]?.disposition);
    expect(dispositions).toEqual([
      'mismatch_instance',
      'mismatch_instance',
      'mismatch_class',
      'mismatch_class',
      'non_conformant',
    ]);
    // A badge scanned at a resource scan is a valid code, so it is named; a misread is not.
    const badge = mintBadgeCode();
    expect(map(scan('wrong_kind', 'production', badge))[0]?.epcList).toEqual([
      `urn:ordertrace:code:${badge}`,
    ]);
    expect(
      map(
        scan(
          'misread',
          'production',
          `${resource.slice(0, -1)}${resource.endsWith('0') ? '1' : '0'}`,
        ),
      )[0]?.epcList,
    ).toEqual([]);
  });

  it('leaves out accepted packing scans: the aggregation event says it', () => {
    expect(map(scan('accepted', 'packing', mintOrderScopedCode('unit', ORDER, 1)))).toEqual([]);
  });

  it('turns cumulative finished reports into each unit once, and ignores other steps', () => {
    const produced = new Map<string, number>();
    const report = (step: string, unitsDone: number) =>
      map(
        row({ type: 'progress.reported', order: ORDER, step, unitsDone, unitsOrdered: 3 }),
        produced,
      );
    const unit = (n: number) => `urn:ordertrace:code:${mintOrderScopedCode('unit', ORDER, n)}`;
    expect(report('assembly', 3)).toEqual([]);
    expect(report(FINISHED_STEP, 2)[0]?.outputEPCList).toEqual([unit(1), unit(2)]);
    expect(report(FINISHED_STEP, 2)).toEqual([]);
    expect(report(FINISHED_STEP, 5)[0]?.outputEPCList).toEqual([unit(3)]);
  });
});

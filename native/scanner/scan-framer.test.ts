import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Suffix } from '#core/devices/scanner-config.ts';
import { ScanFramer, type FrameEvent } from './scan-framer.ts';

const text = (event: FrameEvent) =>
  event.kind === 'overlong'
    ? `overlong:${event.length}`
    : `${event.kind}:${Buffer.from(event.bytes).toString('latin1')}`;

function framer(suffix: Suffix, maxScanBytes = 4096) {
  const events: string[] = [];
  const instance = new ScanFramer(
    { suffix, interByteTimeoutMs: 50, suffixTimeoutMs: 1000, maxScanBytes },
    (event) => events.push(text(event)),
  );
  const push = (data: string) => instance.push(Buffer.from(data, 'latin1'));
  return { events, push, instance };
}

describe('scan framer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([
    ['cr', 'RD123\rRD456\r'],
    ['lf', 'RD123\nRD456\n'],
    ['crlf', 'RD123\r\nRD456\r\n'],
    ['tab', 'RD123\tRD456\t'],
  ] as const)('cuts reads at the %s suffix', (suffix, stream) => {
    const { events, push } = framer(suffix);
    push(stream);
    expect(events).toEqual(['frame:RD123', 'frame:RD456']);
  });

  it('joins a read that arrives in several chunks', () => {
    const { events, push } = framer('crlf');
    for (const chunk of ['R', 'D1', '23\r', '\n']) push(chunk);
    expect(events).toEqual(['frame:RD123']);
  });

  it('keeps a CR inside a CRLF-terminated read that is not followed by LF', () => {
    const { events, push } = framer('crlf');
    push('A\rB\r\n');
    expect(events).toEqual(['frame:A\rB']);
  });

  it('drops the stray LF of a scanner left on CRLF when configured for CR', () => {
    const { events, push } = framer('cr');
    push('RD123\r\nRD456\r\n');
    expect(events).toEqual(['frame:RD123', 'frame:RD456']);
  });

  it('with suffix none, ends a read after the inter-byte timeout', () => {
    const { events, push } = framer('none');
    push('RD1');
    vi.advanceTimersByTime(30);
    push('23');
    vi.advanceTimersByTime(49);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['frame:RD123']);
  });

  it('reports bytes that never get their suffix, instead of waiting forever', () => {
    const { events, push } = framer('cr');
    push('RD123');
    vi.advanceTimersByTime(999);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['no-suffix:RD123']);
    push('RD456\r');
    expect(events).toEqual(['no-suffix:RD123', 'frame:RD456']);
  });

  it('drops a 10,000-character burst as one overlong read and then reads normally', () => {
    const { events, push } = framer('cr', 4096);
    push(`${'7'.repeat(10_000)}\rRD123\r`);
    expect(events).toEqual(['overlong:10000', 'frame:RD123']);
  });

  it('reports an overlong read that never ends after the suffix timeout', () => {
    const { events, push } = framer('cr', 16);
    push('X'.repeat(40));
    vi.advanceTimersByTime(1000);
    expect(events).toEqual(['overlong:40']);
  });

  it('flush() reports a half read when the port closes', () => {
    const { events, push, instance } = framer('cr');
    push('RD12');
    instance.flush();
    expect(events).toEqual(['no-suffix:RD12']);
    vi.advanceTimersByTime(5000);
    expect(events).toHaveLength(1);
  });

  it('ignores empty reads (suffix alone)', () => {
    const { events, push } = framer('crlf');
    push('\r\n\r\n');
    expect(events).toEqual([]);
  });
});

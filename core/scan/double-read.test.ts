import { describe, expect, it } from 'vitest';
import { createDoubleReadFilter } from './double-read.ts';

describe('double-read suppression', () => {
  it('treats the same code within the window as one scan', () => {
    const filter = createDoubleReadFilter(500);
    expect(filter.accept('RD123', 1000)).toBe(true);
    expect(filter.accept('RD123', 1200)).toBe(false);
    expect(filter.accept('RD123', 1499)).toBe(false);
  });

  it('keeps a label held under a continuous scanner as one scan (sliding window)', () => {
    const filter = createDoubleReadFilter(300);
    const accepted = [0, 100, 200, 300, 400, 500, 600].map((at) => filter.accept('X', at));
    expect(accepted).toEqual([true, false, false, false, false, false, false]);
  });

  it('accepts the same code again after the window has passed', () => {
    const filter = createDoubleReadFilter(500);
    expect(filter.accept('RD123', 0)).toBe(true);
    expect(filter.accept('RD123', 500)).toBe(true);
  });

  it('never suppresses a different code, however fast', () => {
    const filter = createDoubleReadFilter(500);
    expect(filter.accept('A', 0)).toBe(true);
    expect(filter.accept('B', 1)).toBe(true);
    expect(filter.accept('A', 2)).toBe(true);
  });

  it('suppresses nothing with a zero window', () => {
    const filter = createDoubleReadFilter(0);
    expect(filter.accept('A', 0)).toBe(true);
    expect(filter.accept('A', 0)).toBe(true);
  });

  it('does not suppress when the clock goes backwards', () => {
    const filter = createDoubleReadFilter(500);
    expect(filter.accept('A', 1000)).toBe(true);
    expect(filter.accept('A', 10)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  const at = (attempt: number, random: number) =>
    backoffMs(attempt, { baseMs: 1000, maxMs: 30_000, random: () => random });

  it('doubles the ceiling with each failure, from the base, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => at(attempt, 1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('jitters over the upper half of the ceiling', () => {
    expect(at(1, 0)).toBe(500);
    expect(at(3, 0.5)).toBe(3000);
    expect(at(1000, 0)).toBe(15_000);
  });
});

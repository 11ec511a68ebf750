import { describe, expect, it } from 'vitest';
import { hasValidGs1CheckDigit, mintSscc } from './check-digit.ts';
import { referenceCapacity, ssccOfReference } from './sscc-blocks.ts';

describe('SSCC references', () => {
  it('puts the extension digit first, then the company prefix and the serial reference', () => {
    expect(ssccOfReference('9521234', 1)).toBe(mintSscc('9521234', 1, 0));
    expect(ssccOfReference('9521234', 1_000_000_000)).toBe(mintSscc('9521234', 0, 1));
    expect(ssccOfReference('9521234', 9_999_999_999)).toBe(mintSscc('9521234', 999_999_999, 9));
    expect(ssccOfReference('9521234', 42)).toMatch(/^09521234000000042[0-9]$/);
  });

  it('gives every reference of a prefix its own valid SSCC', () => {
    const seen = new Set<string>();
    for (const reference of [0, 1, 2, 999, 1000, 123_456_789, 9_999_999_999]) {
      const sscc = ssccOfReference('9521234', reference);
      expect(sscc).toHaveLength(18);
      expect(hasValidGs1CheckDigit(sscc)).toBe(true);
      seen.add(sscc);
    }
    expect(seen.size).toBe(7);
  });

  it('refuses a reference beyond what the prefix leaves room for', () => {
    expect(referenceCapacity('952123412345')).toBe(100_000);
    expect(() => ssccOfReference('952123412345', 100_000)).toThrow(/outside 0…99999/);
    expect(() => ssccOfReference('9521234', -1)).toThrow(RangeError);
  });
});

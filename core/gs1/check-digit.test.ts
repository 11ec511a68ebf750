import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, hasValidGs1CheckDigit, mintSscc } from './check-digit.ts';

describe('GS1 mod-10 check digit', () => {
  it('matches the GS1 General Specifications examples', () => {
    // SSCC example of §2.2.1 / Figure 3.2-1, and two well-known GTINs.
    expect(hasValidGs1CheckDigit('106141411234567897')).toBe(true);
    expect(hasValidGs1CheckDigit('4006381333931')).toBe(true);
    expect(hasValidGs1CheckDigit('00012345600012')).toBe(true);
    expect(gs1CheckDigit('10614141123456789')).toBe(7);
  });

  it('rejects a changed digit', () => {
    expect(hasValidGs1CheckDigit('106141411234567898')).toBe(false);
    expect(hasValidGs1CheckDigit('4006381333932')).toBe(false);
  });

  it('rejects non-digits and too-short input', () => {
    expect(hasValidGs1CheckDigit('40063813339A1')).toBe(false);
    expect(hasValidGs1CheckDigit('4')).toBe(false);
    expect(() => gs1CheckDigit('12a')).toThrow(/digits only/);
  });
});

describe('minting an SSCC', () => {
  it('builds extension + company prefix + serial reference + check digit', () => {
    expect(mintSscc('0614141', 123456789, 1)).toBe('106141411234567897');
    expect(mintSscc('0614141', 5)).toMatch(/^00614141000000005\d$/);
    expect(hasValidGs1CheckDigit(mintSscc('123456789012', 9999))).toBe(true);
  });

  it('refuses a serial that does not fit beside the company prefix', () => {
    expect(() => mintSscc('0614141', 10 ** 9)).toThrow(/serial is 0 to 999999999/);
    expect(() => mintSscc('12345', 1)).toThrow(/6 to 12 digits/);
    expect(() => mintSscc('0614141', 1, 10)).toThrow(/extension digit/);
  });
});

import { describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '../codes/formats.ts';
import { mintSscc } from '../gs1/check-digit.ts';
import { GS } from '../gs1/element-string.ts';
import { labelFieldValues, parseLabelRequest } from './label-data.ts';

const ORDER = 'RDWREKC0W9S';
const SSCC = mintSscc('0614141', 123456789);

const problems = (kind: 'package' | 'resource' | 'unit', data: unknown): string => {
  try {
    parseLabelRequest({ kind, data });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('label data', () => {
  it('derives the package code and the GS1 element string of the SSCC', () => {
    const request = parseLabelRequest({
      kind: 'package',
      data: { orderCode: ORDER, packageNumber: 2, packageCount: 3, sscc: SSCC },
    });
    expect(labelFieldValues(request)).toMatchObject({
      orderCode: ORDER,
      packageCode: mintOrderScopedCode('package', ORDER, 2),
      packageNumber: '2',
      packageCount: '3',
      sscc: SSCC,
      ssccElementString: `00${SSCC}`,
    });
    expect(labelFieldValues(request).ssccElementString).not.toContain(GS);
  });

  it('takes the order code and serial out of a resource code', () => {
    const code = mintOrderScopedCode('resource', ORDER, 125);
    const request = parseLabelRequest({ kind: 'resource', data: { code, material: 'Oak' } });
    expect(labelFieldValues(request)).toMatchObject({
      code,
      orderCode: ORDER,
      serial: '0125',
      material: 'Oak',
    });
  });

  it('refuses an empty order code with a sentence', () => {
    expect(problems('package', { orderCode: '', packageNumber: 1, packageCount: 1 })).toBe(
      'The order code is empty',
    );
  });

  it('refuses an order code that fails its check character', () => {
    expect(
      problems('package', { orderCode: 'RDWREKC0W9T', packageNumber: 1, packageCount: 1 }),
    ).toMatch(/^The order code is not valid: The check character does not match/);
  });

  it('refuses an SSCC with a wrong check digit or length', () => {
    const base = { orderCode: ORDER, packageNumber: 1, packageCount: 1 };
    const wrongCheck = SSCC.slice(0, -1) + String((Number(SSCC.at(-1)) + 1) % 10);
    expect(problems('package', { ...base, sscc: wrongCheck })).toBe(
      `SSCC ${wrongCheck} fails its GS1 check digit`,
    );
    expect(problems('package', { ...base, sscc: '12345' })).toMatch(/exactly 18 digits/);
    expect(problems('package', { ...base, sscc: '00614141123456789😀' })).toMatch(
      /exactly 18 digits/,
    );
  });

  it('refuses package 4 of 3 and a code of the wrong kind', () => {
    expect(problems('package', { orderCode: ORDER, packageNumber: 4, packageCount: 3 })).toMatch(
      /larger than the package count/,
    );
    expect(problems('resource', { code: ORDER })).toBe(
      'The resource code is an order code, not a resource code',
    );
  });

  it('accepts a 2,000-character address (the label cuts it) but not a megabyte', () => {
    const base = { orderCode: ORDER, packageNumber: 1, packageCount: 1 };
    expect(problems('package', { ...base, shipTo: 'x'.repeat(2000) })).toBe('');
    expect(problems('package', { ...base, shipTo: 'x'.repeat(1_000_000) })).toMatch(
      /ship-to address is longer than 4000/,
    );
  });

  it('refuses unknown fields, so a typo does not silently drop a value', () => {
    expect(problems('unit', { code: mintOrderScopedCode('unit', ORDER, 1), prodcut: 'x' })).toMatch(
      /prodcut/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  mintBadgeCode,
  mintOrderCode,
  mintOrderScopedCode,
  mintProductCode,
} from '../codes/formats.ts';
import { GS } from '../gs1/element-string.ts';
import { parseScan } from './parse-scan.ts';

const order = mintOrderCode();
const SSCC = '106141411234567897';

describe('parsing what a scanner delivered', () => {
  it.each([
    ['order', order],
    ['resource', mintOrderScopedCode('resource', order, 1)],
    ['unit', mintOrderScopedCode('unit', order, 25)],
    ['package', mintOrderScopedCode('package', order, 3)],
  ] as const)('recognises a %s code and the order it belongs to', (kind, code) => {
    expect(parseScan(code)).toMatchObject({ kind, valid: true, code, order });
  });

  it('recognises badges and products, which belong to no order', () => {
    const badge = parseScan(mintBadgeCode());
    expect(badge).toMatchObject({ kind: 'badge', valid: true });
    expect(badge.order).toBeUndefined();
    expect(parseScan(mintProductCode())).toMatchObject({ kind: 'product', valid: true });
  });

  it('strips AIM symbology identifiers and reports the symbology', () => {
    const unit = mintOrderScopedCode('unit', order, 2);
    expect(parseScan(`]C0${unit}`)).toMatchObject({
      kind: 'unit',
      valid: true,
      code: unit,
      symbology: { identifier: ']C0', name: 'Code 128', gs1: false },
    });
    expect(parseScan(`]Q1${order}`)).toMatchObject({
      kind: 'order',
      symbology: { name: 'QR Code' },
    });
  });

  it('reads GS1 data under ]C1, ]d2 and ]Q3, with and without GS separators', () => {
    for (const id of [']C1', ']d2', ']Q3']) {
      expect(parseScan(`${id}00${SSCC}`)).toMatchObject({
        kind: 'gs1',
        valid: true,
        gs1: { '00': SSCC },
      });
      expect(parseScan(`${id}0100012345600012${'10'}B7${GS}17261231`)).toMatchObject({
        kind: 'gs1',
        valid: true,
        gs1: { '01': '00012345600012', '10': 'B7', '17': '261231' },
      });
    }
    expect(parseScan(']d2')).toMatchObject({ kind: 'gs1', valid: false });
  });

  it('reads GS1 data without a symbology identifier: leading FNC1, bare digits, or parentheses', () => {
    expect(parseScan(`${GS}00${SSCC}`)).toMatchObject({
      kind: 'gs1',
      valid: true,
      gs1: { '00': SSCC },
    });
    expect(parseScan(`00${SSCC}`)).toMatchObject({ kind: 'gs1', valid: true, gs1: { '00': SSCC } });
    expect(parseScan(`(00)${SSCC}(400)PO7`)).toMatchObject({
      kind: 'gs1',
      valid: true,
      gs1: { '400': 'PO7' },
    });
  });

  it('reads an SSCC as the logistic label prints it: spaced (00) text, or its 18 digits alone', () => {
    const spaced = `(00) ${SSCC.replace(/(\d{4})/g, '$1 ')}`;
    expect(parseScan(spaced)).toMatchObject({ kind: 'gs1', valid: true, gs1: { '00': SSCC } });
    expect(parseScan(SSCC)).toMatchObject({ kind: 'gs1', valid: true, gs1: { '00': SSCC } });
    // 18 digits that fail the check digit are not taken for an SSCC.
    const wrong = SSCC.slice(0, 17) + String((Number(SSCC.at(-1)) + 1) % 10);
    expect(parseScan(wrong).gs1?.['00']).toBeUndefined();
  });

  it('reads a bare EAN-13 or a GTIN under ]E0 as AI (01)', () => {
    expect(parseScan('4006381333931')).toMatchObject({
      kind: 'gs1',
      valid: true,
      gs1: { '01': '04006381333931' },
    });
    expect(parseScan(']E04006381333931')).toMatchObject({
      kind: 'gs1',
      symbology: { name: 'EAN/UPC' },
    });
    expect(parseScan('4006381333932')).toMatchObject({ kind: 'gs1', valid: false });
  });

  it('finds our order code carried in a GS1 symbol (AI 400 or 90)', () => {
    expect(parseScan(`]C100${SSCC}400${order}`)).toMatchObject({ kind: 'gs1', valid: true, order });
  });

  it('reads our own code from a GS1-mode reader that reports FNC1 first', () => {
    const resource = mintOrderScopedCode('resource', order, 9);
    expect(parseScan(`]C1${resource}`)).toMatchObject({ kind: 'resource', valid: true, order });
  });

  it('refuses truncated GS1 strings and unknown AIs with a sentence', () => {
    expect(parseScan(`]C100${SSCC.slice(0, 12)}`).error).toMatch(/truncated/);
    expect(parseScan(`]C1${'23'}XYZ`).error).toMatch(/Unknown GS1 application identifier/);
    expect(parseScan(`00${SSCC}23X${GS}`).error).toMatch(
      /Unknown GS1 application identifier at position 21/,
    );
  });

  it('refuses misreads of our codes and keeps the kind where the prefix tells it', () => {
    const resource = mintOrderScopedCode('resource', order, 4);
    const misread = resource.slice(0, 5) + (resource[5] === 'A' ? 'B' : 'A') + resource.slice(6);
    expect(parseScan(misread)).toMatchObject({
      kind: 'resource',
      valid: false,
      error: expect.stringMatching(/misread/),
    });
  });

  it('normalises once: symbology prefix, surrounding whitespace and case', () => {
    const resource = mintOrderScopedCode('resource', order, 4);
    for (const text of [
      resource,
      `]C0${resource}`,
      `]C1${resource}`,
      `]Q1${resource}`,
      `]d2${resource}`,
      ` ${resource}\r\n`,
      resource.toLowerCase(),
      `]C0${resource.toLowerCase()}\t`,
    ]) {
      expect(parseScan(text), JSON.stringify(text)).toMatchObject({
        kind: 'resource',
        valid: true,
        code: resource,
        order,
      });
    }
  });

  it('refuses empty, overlong, lowercase, control-character and unknown scans', () => {
    expect(parseScan('')).toMatchObject({
      kind: 'unknown',
      valid: false,
      error: 'The scan is empty.',
    });
    const noise = parseScan('A'.repeat(10_000));
    expect(noise).toMatchObject({ kind: 'unknown', valid: false });
    expect(noise.error).toMatch(/10000 characters long/);
    expect(noise.code.length).toBeLessThanOrEqual(64);
    expect(parseScan(`${order.slice(0, 4)}\n${order.slice(4)}`).error).toMatch(
      /control character U\+000A/,
    );
    expect(parseScan('HELLO WORLD')).toMatchObject({ kind: 'unknown', valid: false });
  });
});

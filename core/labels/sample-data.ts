import { mintOrderCode, mintOrderScopedCode, SERIAL_MAX } from '../codes/formats.ts';
import { mintSscc } from '../gs1/check-digit.ts';
import type { LabelDataInput } from './label-data.ts';
import type { LabelKind } from './label-fields.ts';

/*
 * Sample label data: a typical label of each kind (for previews of a template in the back
 * office, tests and the benchmark), and a worst case with the widest codes (all W, the
 * widest letter, and the longest serial) and long mixed Latin and Chinese text, which
 * every template must survive.
 */
export const ORDER = 'RDWREKC0W9S';
/** Every random symbol 'W' (alphabet index 28). */
export const WIDEST_ORDER = mintOrderCode((length) => new Uint8Array(length).fill(28));
export const SSCC = mintSscc('0614141', 123456789);
export const CHINESE_ADDRESS = '上海市浦东新区张江路 88 号 3 号楼\n张伟 收\n+86 21 5080 0000';

export function sampleLabel(kind: LabelKind): LabelDataInput {
  switch (kind) {
    case 'package':
      return {
        kind,
        data: {
          orderCode: ORDER,
          packageNumber: 2,
          packageCount: 3,
          sscc: SSCC,
          shipTo: CHINESE_ADDRESS,
          contents: '12 × Oak side table, walnut finish (PD7KQ2M9)',
          customerReference: 'PO-2026-11-0042',
        },
      };
    case 'resource':
      return {
        kind,
        data: {
          code: mintOrderScopedCode('resource', ORDER, 125),
          material: 'Oak board 18 mm, planed',
          step: 'Cutting',
        },
      };
    case 'unit':
      return {
        kind,
        data: { code: mintOrderScopedCode('unit', ORDER, 7), product: 'Oak side table, walnut' },
      };
  }
}

export function worstCaseLabel(kind: LabelKind): LabelDataInput {
  const long = 'Werkstraße 12, Hinterhof, Tor 4 — 上海市浦东新区 '.repeat(40);
  switch (kind) {
    case 'package':
      return {
        kind,
        data: {
          orderCode: WIDEST_ORDER,
          packageNumber: 9999,
          packageCount: 9999,
          sscc: SSCC,
          shipTo: long,
          contents: long,
          customerReference: 'W'.repeat(200),
        },
      };
    case 'resource':
      return {
        kind,
        data: {
          code: mintOrderScopedCode('resource', WIDEST_ORDER, SERIAL_MAX),
          material: long.slice(0, 400),
          step: 'W'.repeat(200),
        },
      };
    case 'unit':
      return {
        kind,
        data: {
          code: mintOrderScopedCode('unit', WIDEST_ORDER, SERIAL_MAX),
          product: long.slice(0, 400),
        },
      };
  }
}

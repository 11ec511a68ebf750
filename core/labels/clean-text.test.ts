import { describe, expect, it } from 'vitest';
import { cleanLabelText } from './clean-text.ts';

describe('cleanLabelText', () => {
  it('unifies line ends and spaces and drops blank runs', () => {
    expect(cleanLabelText('  Acme  Ltd\r\n\r\n\r\nDock\t4\rBerlin  ')).toBe(
      'Acme Ltd\n\nDock 4\nBerlin',
    );
  });

  it('removes control characters, bidi overrides and zero-width characters', () => {
    expect(cleanLabelText('A\u0007B\u202eC\u200bD\u0000E\ufeff')).toBe('ABCDE');
  });

  it('composes to NFC so one character is one glyph', () => {
    expect(cleanLabelText('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('keeps Chinese text as it is', () => {
    expect(cleanLabelText('上海市浦东新区张江路 88 号 3 号楼')).toBe(
      '上海市浦东新区张江路 88 号 3 号楼',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  encodeElementString,
  fromHumanReadable,
  GS,
  parseElementString,
} from './element-string.ts';

const SSCC = '106141411234567897';

function expectError(input: string, message: RegExp) {
  const result = parseElementString(input);
  expect(result.valid).toBe(false);
  if (!result.valid) expect(result.error).toMatch(message);
}

describe('GS1 element strings', () => {
  it('parses fixed-length AIs one after another without separators', () => {
    const result = parseElementString(`00${SSCC}0100012345600012`);
    expect(result).toMatchObject({ valid: true, values: { '00': SSCC, '01': '00012345600012' } });
  });

  it('ends variable-length fields at GS and at the end of data', () => {
    const result = parseElementString(`01000123456000121712123110LOT-42${GS}21SN-0007`);
    expect(result).toMatchObject({
      valid: true,
      values: { '01': '00012345600012', '17': '121231', '10': 'LOT-42', '21': 'SN-0007' },
    });
  });

  it('skips a leading FNC1 and a redundant GS after a fixed field', () => {
    expect(parseElementString(`${GS}00${SSCC}${GS}37120`)).toMatchObject({
      valid: true,
      values: { '37': '120' },
    });
  });

  it('knows the common AIs', () => {
    const input = [
      `02${'00012345600012'}`,
      '11240229',
      '13240101',
      '15250100',
      `400PO-778${GS}`,
      '4100614141000418',
      `420200050${GS}`,
      '3103000150',
      '91INTERNAL',
    ].join('');
    expect(parseElementString(input)).toMatchObject({
      valid: true,
      values: {
        '02': '00012345600012',
        '11': '240229',
        '13': '240101',
        '15': '250100',
        '400': 'PO-778',
        '410': '0614141000418',
        '420': '200050',
        '3103': '000150',
        '91': 'INTERNAL',
      },
    });
  });

  it('refuses truncated fixed-length data', () => {
    expectError(
      `00${SSCC.slice(0, 10)}`,
      /AI \(00\) SSCC needs 18 characters, got 10: the scan is truncated/,
    );
    expectError(`0100012${GS}10A`, /needs 14 characters, got 5/);
    expectError('', /empty/);
    expectError(GS, /empty/);
  });

  it('refuses unknown AIs with their position', () => {
    expectError('23ABC', /Unknown GS1 application identifier at position 1/);
    expectError(`10LOT${GS}89X`, /position 7/);
  });

  it('refuses bad check digits, impossible dates, wrong characters and overlong fields', () => {
    expectError(`00${SSCC.slice(0, -1)}8`, /fails its check digit: misread/);
    expectError('17251301', /month 13 does not exist/);
    expectError('17250231', /day 31 does not exist/);
    expectError('37ABC', /digits only/);
    expectError('10LOT#1', /character GS1 does not allow/);
    expectError(
      `10${'A'.repeat(21)}`,
      /at most 20 characters, got 21: a GS separator is probably missing/,
    );
    expectError(`10${GS}`, /is empty/);
    expectError(`10A${GS}10B`, /appears twice/);
  });

  it('round-trips through the encoder, which puts GS only where needed', () => {
    const elements = [
      { ai: '00', value: SSCC },
      { ai: '10', value: 'LOT1' },
      { ai: '17', value: '261231' },
      { ai: '21', value: 'S1' },
    ];
    const encoded = encodeElementString(elements);
    expect(encoded).toBe(`00${SSCC}10LOT1${GS}1726123121S1`);
    expect(parseElementString(encoded)).toMatchObject({ valid: true, elements });
  });

  it('reads the human-readable form with parentheses', () => {
    expect(fromHumanReadable(`(00)${SSCC}(10)ABC`)).toBe(`00${SSCC}${GS}10ABC`);
    expect(fromHumanReadable('00123')).toBeUndefined();
    expect(fromHumanReadable('(00)1 trailing(')).toBeUndefined();
  });
});

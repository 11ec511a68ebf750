import { describe, expect, it } from 'vitest';
import { ssccInput } from './sscc-input.ts';

describe('ssccInput', () => {
  const sscc = '095212340000000017';
  it('reads every written form of an SSCC', () => {
    for (const form of [sscc, `00${sscc}`, `(00)${sscc}`, `]C100${sscc}`, ` ${sscc}\n`]) {
      expect(ssccInput(form)).toBe(sscc);
    }
  });
  it('is not fooled by our own codes, short digits or other AIs', () => {
    for (const other of ['PKRDWREKC0W9S0002X', sscc.slice(1), `01${sscc}`, `(01)${sscc}`]) {
      expect(ssccInput(other)).toBeUndefined();
    }
  });
});

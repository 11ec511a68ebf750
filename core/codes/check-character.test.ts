import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from './alphabet.ts';
import { checkCharacter, hasValidCheckCharacter } from './check-character.ts';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const payloadArbitrary = fc
  .array(fc.constantFrom(...CODE_ALPHABET), { minLength: 1, maxLength: 40 })
  .map((symbols) => symbols.join(''));

function substitutions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    for (const symbol of ALPHANUMERIC) {
      if (symbol !== code[i]) out.push(code.slice(0, i) + symbol + code.slice(i + 1));
    }
  }
  return out;
}

function adjacentTranspositions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === code[i + 1]) continue;
    out.push(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2));
  }
  return out;
}

describe('check character', () => {
  it('accepts a payload followed by its own check character', () => {
    fc.assert(
      fc.property(payloadArbitrary, (payload) =>
        hasValidCheckCharacter(payload + checkCharacter(payload)),
      ),
    );
  });

  it('catches every single-character error, the check character included', () => {
    fc.assert(
      fc.property(payloadArbitrary, (payload) => {
        const code = payload + checkCharacter(payload);
        return substitutions(code).every((wrong) => !hasValidCheckCharacter(wrong));
      }),
      { numRuns: 300 },
    );
  });

  it('catches every adjacent transposition, the check character included', () => {
    fc.assert(
      fc.property(payloadArbitrary, (payload) => {
        const code = payload + checkCharacter(payload);
        return adjacentTranspositions(code).every((wrong) => !hasValidCheckCharacter(wrong));
      }),
      { numRuns: 1000 },
    );
  });

  it('catches every transposition of every symbol pair at every position up to 40 (exhaustive)', () => {
    // Independent of random sampling: the error's effect does not depend on the other
    // symbols, so checking each pair over a zero background covers every code.
    let missed = 0;
    for (let length = 2; length <= 40; length++) {
      for (let i = 0; i + 1 < length; i++) {
        for (const a of CODE_ALPHABET) {
          for (const b of CODE_ALPHABET) {
            if (a === b) continue;
            const base = '0'.repeat(length).split('');
            base[i] = a;
            base[i + 1] = b;
            const payload = base.join('');
            const code = payload + checkCharacter(payload);
            const swapped = code.slice(0, i) + b + a + code.slice(i + 2);
            if (hasValidCheckCharacter(swapped)) missed++;
          }
        }
      }
    }
    expect(missed).toBe(0);
  });

  it('refuses characters outside the alphabet instead of guessing', () => {
    expect(hasValidCheckCharacter('RDO')).toBe(false);
    expect(() => checkCharacter('RD-1')).toThrow(/not a code symbol/);
    expect(hasValidCheckCharacter('')).toBe(false);
    expect(hasValidCheckCharacter('R')).toBe(false);
  });
});

import { symbolOf, symbolValue } from './alphabet.ts';

/*
 * Check character over GF(32), the field with 32 elements (polynomial x^5 + x^2 + 1).
 *
 * Each symbol's value v_i is multiplied by a weight α^k, where α is a generator of the
 * field and k counts positions from the right (the check character has weight α^0 = 1).
 * The check character makes the weighted sum zero.
 *
 * Why this catches what docs/design.md asks for:
 * - a single substitution a→b changes the sum by w·(a−b); in a field a product of two
 *   non-zero elements is never zero, so every single-character error is caught;
 * - swapping neighbours a,b changes it by (w_i − w_{i+1})·(a−b) = w_{i+1}·(α − 1)·(a−b),
 *   again a product of non-zero elements, so every adjacent transposition is caught.
 * ISO 7064 MOD 37,36 (the usual alphanumeric scheme) misses 72 adjacent transpositions and
 * its pure variant needs a 37th symbol ('*'), which is not alphanumeric.
 */
const FIELD_SIZE = 32;
const POLYNOMIAL = 0b100101;

const EXP: number[] = [];
const LOG: number[] = new Array<number>(FIELD_SIZE).fill(0);
for (let power = 0, value = 1; power < FIELD_SIZE - 1; power++) {
  EXP[power] = value;
  LOG[value] = power;
  value <<= 1;
  if (value & FIELD_SIZE) value ^= POLYNOMIAL;
}

function multiply(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[((LOG[a] ?? 0) + (LOG[b] ?? 0)) % (FIELD_SIZE - 1)] ?? 0;
}

function weight(positionFromRight: number): number {
  return EXP[positionFromRight % (FIELD_SIZE - 1)] ?? 0;
}

/** The weighted GF(32) sum of a string of code symbols; throws on a foreign character. */
function weightedSum(symbols: string, offsetFromRight: number): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) {
    const value = symbolValue(symbols[i] ?? '');
    if (value === undefined) throw new RangeError(`'${symbols[i]}' is not a code symbol`);
    sum ^= multiply(value, weight(symbols.length - 1 - i + offsetFromRight));
  }
  return sum;
}

/** The check character to append to `payload` (which must use only code symbols). */
export function checkCharacter(payload: string): string {
  return symbolOf(weightedSum(payload, 1));
}

/** True when the last character of `code` is the right check character for the rest. */
export function hasValidCheckCharacter(code: string): boolean {
  if (code.length < 2) return false;
  try {
    return weightedSum(code, 0) === 0;
  } catch {
    // A foreign character means the code cannot be valid; the caller reports which one.
    return false;
  }
}

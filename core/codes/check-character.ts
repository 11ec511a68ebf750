import { symbolOf, symbolValueAt } from './alphabet.ts';

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

// weight × value for every position (mod 31, the order of α) and value: one lookup per symbol.
const PRODUCT = new Uint8Array((FIELD_SIZE - 1) * FIELD_SIZE);
for (let position = 0; position < FIELD_SIZE - 1; position++)
  for (let value = 1; value < FIELD_SIZE; value++)
    PRODUCT[position * FIELD_SIZE + value] =
      EXP[((LOG[value] ?? 0) + position) % (FIELD_SIZE - 1)] ?? 0;

/** The weighted GF(32) sum of a string of code symbols; -1 when one is a foreign character. */
function weightedSum(symbols: string, offsetFromRight: number): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) {
    const value = symbolValueAt(symbols, i);
    if (value < 0) return -1;
    const position = (symbols.length - 1 - i + offsetFromRight) % (FIELD_SIZE - 1);
    sum ^= PRODUCT[position * FIELD_SIZE + value] ?? 0;
  }
  return sum;
}

/** The check character to append to `payload` (which must use only code symbols). */
export function checkCharacter(payload: string): string {
  const sum = weightedSum(payload, 1);
  if (sum < 0) throw new RangeError(`'${payload}' holds a character that is not a code symbol`);
  return symbolOf(sum);
}

/** True when the last character of `code` is the right check character for the rest. */
export function hasValidCheckCharacter(code: string): boolean {
  // A foreign character (-1) means the code cannot be valid; the caller reports which one.
  return code.length >= 2 && weightedSum(code, 0) === 0;
}

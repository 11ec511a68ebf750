/**
 * The 32 symbols every Ordertrace code is written in: digits and uppercase letters without
 * I, L, O and U (Douglas Crockford's Base32 alphabet). Dropping the letters that people and
 * OCR confuse with 1 and 0 means a code typed from a label is either right or caught.
 *
 * 32 symbols also make the check character exact: with a power of two we can do the check
 * arithmetic in the finite field GF(32) (see check-character.ts).
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// By UTF-16 code unit, -1 for "not a symbol": a server checks hundreds of thousands of codes
// in one push (docs/performance.md), so this is a table, not a Map of one-character strings.
const VALUE_OF_UNIT = new Int8Array(128).fill(-1);
for (let value = 0; value < CODE_ALPHABET.length; value++)
  VALUE_OF_UNIT[CODE_ALPHABET.charCodeAt(value)] = value;

/** The value 0..31 of the code symbol at `index` of `text`, or -1 when it is not one. */
export function symbolValueAt(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  return unit < 128 ? (VALUE_OF_UNIT[unit] ?? -1) : -1;
}

/** The value 0..31 of a code symbol, or undefined when the character is not one. */
export function symbolValue(symbol: string): number | undefined {
  if (symbol.length !== 1) return undefined;
  const value = symbolValueAt(symbol, 0);
  return value < 0 ? undefined : value;
}

export function symbolOf(value: number): string {
  const symbol = CODE_ALPHABET[value];
  if (symbol === undefined) throw new RangeError(`no code symbol has the value ${value}`);
  return symbol;
}

/** Characters that look like code symbols but are deliberately not in the alphabet. */
export const LOOKALIKES: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0', U: 'V' };

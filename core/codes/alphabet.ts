/**
 * The 32 symbols every Ordertrace code is written in: digits and uppercase letters without
 * I, L, O and U (Douglas Crockford's Base32 alphabet). Dropping the letters that people and
 * OCR confuse with 1 and 0 means a code typed from a label is either right or caught.
 *
 * 32 symbols also make the check character exact: with a power of two we can do the check
 * arithmetic in the finite field GF(32) (see check-character.ts).
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const VALUE_OF = new Map<string, number>(
  [...CODE_ALPHABET].map((symbol, value) => [symbol, value]),
);

/** The value 0..31 of a code symbol, or undefined when the character is not one. */
export function symbolValue(symbol: string): number | undefined {
  return VALUE_OF.get(symbol);
}

export function symbolOf(value: number): string {
  const symbol = CODE_ALPHABET[value];
  if (symbol === undefined) throw new RangeError(`no code symbol has the value ${value}`);
  return symbol;
}

/** Characters that look like code symbols but are deliberately not in the alphabet. */
export const LOOKALIKES: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0', U: 'V' };

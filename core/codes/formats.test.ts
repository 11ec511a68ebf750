import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from './alphabet.ts';
import { checkCharacter } from './check-character.ts';
import {
  mintBadgeCode,
  mintOrderCode,
  mintOrderScopedCode,
  mintProductCode,
  parseCode,
  PREFIXES,
  SERIAL_MAX,
  type CodeParse,
  type OrderScopedKind,
} from './formats.ts';

const bytes = fc.uint8Array({ minLength: 8, maxLength: 8 });
const fixedRandom = (values: Uint8Array) => (length: number) => values.slice(0, length);
const orderArbitrary = bytes.map((b) => mintOrderCode(fixedRandom(b)));
const scopedArbitrary = fc
  .tuple(
    orderArbitrary,
    fc.constantFrom<OrderScopedKind>('resource', 'unit', 'package'),
    fc.integer({ min: 1, max: SERIAL_MAX }),
  )
  .map(([order, kind, serial]) => ({
    order,
    kind,
    serial,
    code: mintOrderScopedCode(kind, order, serial),
  }));
const anyCodeArbitrary = fc.oneof(
  orderArbitrary,
  scopedArbitrary.map((s) => s.code),
  bytes.map((b) => mintBadgeCode(fixedRandom(b))),
  bytes.map((b) => mintProductCode(fixedRandom(b))),
);

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function expectInvalid(result: CodeParse, reason: string, message: RegExp) {
  expect(result.valid).toBe(false);
  if (result.valid) return;
  expect(result.reason).toBe(reason);
  expect(result.error).toMatch(message);
}

describe('minting and parsing codes', () => {
  it('parses every minted order code back as that order', () => {
    fc.assert(
      fc.property(orderArbitrary, (code) => {
        expect(code).toMatch(/^RD[0-9A-Z]{9}$/);
        expect(parseCode(code)).toEqual({ valid: true, kind: 'order', code, order: code });
      }),
    );
  });

  it('puts the whole order code and the serial in resource, unit and package codes', () => {
    fc.assert(
      fc.property(scopedArbitrary, ({ order, kind, serial, code }) => {
        expect(code.startsWith(PREFIXES[kind] + order)).toBe(true);
        expect(parseCode(code)).toEqual({ valid: true, kind, code, order, serial });
      }),
    );
  });

  it('mints badges and products of their own kinds', () => {
    expect(parseCode(mintBadgeCode())).toMatchObject({ valid: true, kind: 'badge' });
    expect(parseCode(mintProductCode())).toMatchObject({ valid: true, kind: 'product' });
  });

  it('turns every single-character error in any code into an invalid scan, never another code', () => {
    fc.assert(
      fc.property(
        anyCodeArbitrary,
        fc.nat(),
        fc.constantFrom(...ALPHANUMERIC),
        (code, at, symbol) => {
          const i = at % code.length;
          fc.pre(code[i] !== symbol);
          expect(parseCode(code.slice(0, i) + symbol + code.slice(i + 1)).valid).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('turns every adjacent transposition in any code into an invalid scan', () => {
    fc.assert(
      fc.property(anyCodeArbitrary, fc.nat(), (code, at) => {
        const i = at % (code.length - 1);
        fc.pre(code[i] !== code[i + 1]);
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect(parseCode(swapped).valid).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('uses only the 32 unambiguous symbols', () => {
    fc.assert(
      fc.property(anyCodeArbitrary, (code) => [...code].every((c) => CODE_ALPHABET.includes(c))),
    );
  });
});

describe('refusing bad codes with a sentence', () => {
  const order = mintOrderCode(() => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const resource = mintOrderScopedCode('resource', order, 7);

  it('refuses an empty scan', () => {
    expectInvalid(parseCode(''), 'empty', /empty/);
  });

  it('refuses lowercase and says why a scanner does that', () => {
    expectInvalid(parseCode(order.toLowerCase()), 'lowercase', /uppercase.*Caps Lock/);
  });

  it('refuses stray control characters and names them', () => {
    expectInvalid(
      parseCode(`${order}\r`),
      'foreign_character',
      /control character U\+000D at position 12/,
    );
    expectInvalid(parseCode(`\u0000${order}`), 'foreign_character', /U\+0000 at position 1/);
  });

  it('refuses look-alike letters the alphabet leaves out, with the likely meaning', () => {
    expectInvalid(parseCode('RDO'), 'foreign_character', /never use 'O'; did you mean '0'/);
    expectInvalid(parseCode('RDI'), 'foreign_character', /did you mean '1'/);
  });

  it('refuses an unknown prefix', () => {
    expectInvalid(parseCode('ZZ123456789'), 'unknown_prefix', /'ZZ' is not the prefix/);
  });

  it('refuses truncated and overlong codes', () => {
    expectInvalid(parseCode(order.slice(0, -1)), 'wrong_length', /11 characters; this one has 10/);
    expectInvalid(parseCode(order + '0'), 'wrong_length', /has 12/);
    expectInvalid(parseCode(resource + '1234567'), 'wrong_length', /resource code has 18 to 22/);
  });

  it('refuses a wrong check character as a misread', () => {
    const last = order.at(-1) === '0' ? '1' : '0';
    expectInvalid(parseCode(order.slice(0, -1) + last), 'check_mismatch', /misread/);
  });

  it('refuses a scoped code whose embedded order code is not one', () => {
    // Build a code with a correct outer check around a broken order code.
    const brokenOrder = order.slice(0, -1) + (order.at(-1) === '0' ? '1' : '0');
    const payload = `RS${brokenOrder}0001`;
    const fake = parseCode(payload + checkCharacter(payload));
    expectInvalid(fake, 'bad_order_code', /not a valid order code/);
  });

  it('refuses a serial that is zero or not in its one spelling', () => {
    for (const serial of ['0000', '00001']) {
      const payload = `RS${order}${serial}`;
      expectInvalid(parseCode(payload + checkCharacter(payload)), 'bad_serial', /serial/);
    }
  });

  it('refuses to mint from a bad order code or serial', () => {
    expect(() => mintOrderScopedCode('unit', 'RD123', 1)).toThrow(/not a valid order code/);
    expect(() => mintOrderScopedCode('unit', resource, 1)).toThrow(/resource code/);
    expect(() => mintOrderScopedCode('unit', order, 0)).toThrow(/serial/);
    expect(() => mintOrderScopedCode('unit', order, SERIAL_MAX + 1)).toThrow(/serial/);
  });
});

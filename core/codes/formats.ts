import { CODE_ALPHABET, LOOKALIKES, symbolValue, symbolValueAt } from './alphabet.ts';
import { checkCharacter, hasValidCheckCharacter } from './check-character.ts';

/*
 * Ordertrace code formats (docs/design.md "Codes"). Every code is prefix + body + check character.
 *
 *   order     RD + 8 random symbols + check                       (11 characters)
 *   resource  RS + order code + serial (4–8 digits) + check       (18–22)
 *   unit      PC + order code + serial + check                    (18–22)
 *   package   PK + order code + package number + check            (18–22)
 *   badge     BG + 6 symbols + check                              (9)
 *   product   PD + 6 symbols + check                              (9)
 *
 * Resource, unit and package codes carry the whole order code (with its own check
 * character), so "does this belong to the current order?" is answered by the scan alone.
 */
export const CODE_KINDS = ['order', 'resource', 'unit', 'package', 'badge', 'product'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];
export type OrderScopedKind = 'resource' | 'unit' | 'package';

/** "an order", "a resource": for sentences people read. */
export const withArticle = (kind: string): string => `${/^[aeio]/.test(kind) ? 'an' : 'a'} ${kind}`;

export const PREFIXES: Readonly<Record<CodeKind, string>> = {
  order: 'RD',
  resource: 'RS',
  unit: 'PC',
  package: 'PK',
  badge: 'BG',
  product: 'PD',
};

const KIND_OF_PREFIX = new Map<string, CodeKind>(
  CODE_KINDS.map((kind) => [PREFIXES[kind], kind] as const),
);

export const ORDER_BODY_LENGTH = 8;
export const SHORT_BODY_LENGTH = 6;
export const ORDER_CODE_LENGTH = 2 + ORDER_BODY_LENGTH + 1;
export const SERIAL_MIN_DIGITS = 4;
export const SERIAL_MAX_DIGITS = 8;
export const SERIAL_MAX = 10 ** SERIAL_MAX_DIGITS - 1;

export type CodeErrorReason =
  | 'empty'
  | 'foreign_character'
  | 'lowercase'
  | 'unknown_prefix'
  | 'wrong_length'
  | 'bad_serial'
  | 'check_mismatch'
  | 'bad_order_code';

export type CodeParse =
  | {
      valid: true;
      kind: CodeKind;
      code: string;
      /** The order this code belongs to (the code itself for an order). */
      order?: string;
      serial?: number;
    }
  | {
      valid: false;
      kind: CodeKind | 'unknown';
      code: string;
      reason: CodeErrorReason;
      error: string;
    };

export type RandomBytes = (length: number) => Uint8Array;

const defaultRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

function randomSymbols(length: number, random: RandomBytes): string {
  // 256 is a multiple of 32, so taking the low five bits keeps every symbol equally likely.
  return [...random(length)].map((byte) => CODE_ALPHABET[byte & 31]).join('');
}

function withCheck(payload: string): string {
  return payload + checkCharacter(payload);
}

export function mintOrderCode(random: RandomBytes = defaultRandom): string {
  return withCheck(PREFIXES.order + randomSymbols(ORDER_BODY_LENGTH, random));
}

export function mintBadgeCode(random: RandomBytes = defaultRandom): string {
  return withCheck(PREFIXES.badge + randomSymbols(SHORT_BODY_LENGTH, random));
}

export function mintProductCode(random: RandomBytes = defaultRandom): string {
  return withCheck(PREFIXES.product + randomSymbols(SHORT_BODY_LENGTH, random));
}

export function formatSerial(serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > SERIAL_MAX) {
    throw new RangeError(`serial must be a whole number from 1 to ${SERIAL_MAX}, got ${serial}`);
  }
  return String(serial).padStart(SERIAL_MIN_DIGITS, '0');
}

/** Mint the code of a resource, unit or package of `orderCode` with its own serial. */
export function mintOrderScopedCode(
  kind: OrderScopedKind,
  orderCode: string,
  serial: number,
): string {
  const order = parseCode(orderCode);
  if (!order.valid || order.kind !== 'order') {
    const why = order.valid ? `it is ${withArticle(order.kind)} code` : order.error;
    throw new RangeError(`'${orderCode}' is not a valid order code: ${why}`);
  }
  return withCheck(PREFIXES[kind] + orderCode + formatSerial(serial));
}

function invalid(
  code: string,
  kind: CodeKind | 'unknown',
  reason: CodeErrorReason,
  error: string,
): CodeParse {
  return { valid: false, kind, code, reason, error };
}

function describeCharacter(char: string): string {
  const point = char.codePointAt(0) ?? 0;
  const hex = point.toString(16).toUpperCase().padStart(4, '0');
  return point < 0x20 || point === 0x7f ? `control character U+${hex}` : `'${char}' (U+${hex})`;
}

function findForeignCharacter(text: string): CodeParse | undefined {
  let allSymbols = true;
  for (let index = 0; index < text.length && allSymbols; index++)
    allSymbols = symbolValueAt(text, index) >= 0;
  if (allSymbols) return undefined;
  // The slow path names the character by code point (an emoji is one character, not two).
  const chars = [...text];
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] ?? '';
    if (symbolValue(char) !== undefined) continue;
    const kind = KIND_OF_PREFIX.get(text.slice(0, 2)) ?? 'unknown';
    if (/[a-z]/.test(char)) {
      return invalid(
        text,
        kind,
        'lowercase',
        `Lowercase '${char}' at position ${index + 1}: Ordertrace codes are uppercase. ` +
          'A keyboard-mode scanner with Caps Lock or the wrong layout does this; rescan.',
      );
    }
    const lookalike = LOOKALIKES[char];
    const hint = lookalike ? ` (codes never use '${char}'; did you mean '${lookalike}'?)` : '';
    return invalid(
      text,
      kind,
      'foreign_character',
      `${describeCharacter(char)} at position ${index + 1} is not part of any Ordertrace code${hint}.`,
    );
  }
  return undefined;
}

function parseSerial(digits: string): number | undefined {
  if (digits.length < SERIAL_MIN_DIGITS || digits.length > SERIAL_MAX_DIGITS) return undefined;
  for (let index = 0; index < digits.length; index++) {
    const unit = digits.charCodeAt(index);
    if (unit < 48 || unit > 57) return undefined;
  }
  const serial = Number(digits);
  // One serial has one spelling: longer than 4 digits only when the number needs it.
  if (serial < 1 || (digits.length > SERIAL_MIN_DIGITS && digits.startsWith('0'))) return undefined;
  return serial;
}

const LENGTH_TEXT: Readonly<Record<CodeKind, string>> = {
  order: `${ORDER_CODE_LENGTH} characters`,
  resource: `${ORDER_CODE_LENGTH + 3 + SERIAL_MIN_DIGITS} to ${ORDER_CODE_LENGTH + 3 + SERIAL_MAX_DIGITS} characters`,
  unit: `${ORDER_CODE_LENGTH + 3 + SERIAL_MIN_DIGITS} to ${ORDER_CODE_LENGTH + 3 + SERIAL_MAX_DIGITS} characters`,
  package: `${ORDER_CODE_LENGTH + 3 + SERIAL_MIN_DIGITS} to ${ORDER_CODE_LENGTH + 3 + SERIAL_MAX_DIGITS} characters`,
  badge: `${SHORT_BODY_LENGTH + 3} characters`,
  product: `${SHORT_BODY_LENGTH + 3} characters`,
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function lengthFits(kind: CodeKind, length: number): boolean {
  switch (kind) {
    case 'order':
      return length === ORDER_CODE_LENGTH;
    case 'badge':
    case 'product':
      return length === SHORT_BODY_LENGTH + 3;
    default:
      return (
        length >= ORDER_CODE_LENGTH + 3 + SERIAL_MIN_DIGITS &&
        length <= ORDER_CODE_LENGTH + 3 + SERIAL_MAX_DIGITS
      );
  }
}

/**
 * Parse an Ordertrace code exactly as printed (no symbology identifier, no suffix).
 * A code that fails its check is a misread, never a different code.
 */
export function parseCode(text: string): CodeParse {
  if (text.length === 0) return invalid(text, 'unknown', 'empty', 'The scan is empty.');
  const foreign = findForeignCharacter(text);
  if (foreign) return foreign;

  const kind = KIND_OF_PREFIX.get(text.slice(0, 2));
  if (!kind) {
    return invalid(
      text,
      'unknown',
      'unknown_prefix',
      `'${text.slice(0, 2)}' is not the prefix of any Ordertrace code ` +
        `(expected one of ${[...KIND_OF_PREFIX.keys()].join(', ')}).`,
    );
  }
  if (!lengthFits(kind, text.length)) {
    return invalid(
      text,
      kind,
      'wrong_length',
      `${capitalize(withArticle(kind))} code has ${LENGTH_TEXT[kind]}; this one has ${text.length}: part of it was not read.`,
    );
  }
  if (!hasValidCheckCharacter(text)) {
    return invalid(
      text,
      kind,
      'check_mismatch',
      `The check character does not match: this ${kind} code was misread or mistyped. Rescan it.`,
    );
  }
  if (kind === 'order' || kind === 'badge' || kind === 'product') {
    return kind === 'order'
      ? { valid: true, kind, code: text, order: text }
      : { valid: true, kind, code: text };
  }

  const order = text.slice(2, 2 + ORDER_CODE_LENGTH);
  if (!order.startsWith(PREFIXES.order) || !hasValidCheckCharacter(order)) {
    return invalid(
      text,
      kind,
      'bad_order_code',
      `The order code inside this ${kind} code (${order}) is not a valid order code.`,
    );
  }
  const serial = parseSerial(text.slice(2 + ORDER_CODE_LENGTH, -1));
  if (serial === undefined) {
    return invalid(
      text,
      kind,
      'bad_serial',
      `The serial of this ${kind} code must be ${SERIAL_MIN_DIGITS}–${SERIAL_MAX_DIGITS} digits, ` +
        'zero-padded to four, and not zero.',
    );
  }
  return { valid: true, kind, code: text, order, serial };
}

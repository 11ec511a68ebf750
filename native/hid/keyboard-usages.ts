/*
 * Keyboard/Keypad usage page (0x07) of the USB HID Usage Tables (HUT 1.5, §10), as a US
 * keyboard labels the keys. A scanner in keyboard mode sends usage ids, not characters, and
 * assumes the host maps them the US way; reading hidraw and mapping them here is what makes
 * scans independent of the OS keyboard layout (a German layout turns "Y" into "Z" and "-"
 * into "ß" when the OS does the mapping).
 */
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** usage id → [unshifted, shifted] */
export const KEY_CHARACTERS: ReadonlyMap<number, readonly [string, string]> = new Map<
  number,
  readonly [string, string]
>([
  // 0x04–0x1D: a–z
  ...[...letters].map((letter, index) => [0x04 + index, [letter, letter.toUpperCase()]] as const),
  // 0x1E–0x27: 1–9, 0
  ...[...'1234567890'].map(
    (digit, index) => [0x1e + index, [digit, '!@#$%^&*()'[index] ?? '']] as const,
  ),
  [0x28, ['\r', '\r']], // Keyboard Return (ENTER)
  [0x2b, ['\t', '\t']], // Keyboard Tab
  [0x2c, [' ', ' ']],
  [0x2d, ['-', '_']],
  [0x2e, ['=', '+']],
  [0x2f, ['[', '{']],
  [0x30, [']', '}']],
  [0x31, ['\\', '|']],
  [0x32, ['#', '~']], // Non-US # and ~
  [0x33, [';', ':']],
  [0x34, ["'", '"']],
  [0x35, ['`', '~']],
  [0x36, [',', '<']],
  [0x37, ['.', '>']],
  [0x38, ['/', '?']],
  [0x54, ['/', '/']], // Keypad /
  [0x55, ['*', '*']],
  [0x56, ['-', '-']],
  [0x57, ['+', '+']],
  [0x58, ['\r', '\r']], // Keypad ENTER
  // 0x59–0x62: Keypad 1–9, 0 (scanners use them for digits and for Alt+code sequences)
  ...[...'1234567890'].map((digit, index) => [0x59 + index, [digit, digit]] as const),
  [0x63, ['.', '.']],
  [0x64, ['\\', '|']], // Non-US \ and |
]);

/** Keypad 1–9, 0 → their digit, for Alt+keypad character codes. */
export function keypadDigit(usage: number): string | undefined {
  return usage >= 0x59 && usage <= 0x62 ? String((usage - 0x58) % 10) : undefined;
}

/** Modifier byte of a boot keyboard report (HID 1.11, Appendix B.1). */
export const MODIFIER = {
  leftCtrl: 0x01,
  leftShift: 0x02,
  leftAlt: 0x04,
  rightCtrl: 0x10,
  rightShift: 0x20,
  rightAlt: 0x40,
} as const;

/** 0x01 in every key slot: ErrorRollOver, "too many keys pressed" — not a key. */
export const USAGE_ERROR_ROLL_OVER = 0x01;

/**
 * Ctrl+key → the ASCII control character, the way scanners send GS (Ctrl+]) and other
 * controls in keyboard mode: Ctrl+@…Ctrl+_ are 0x00…0x1F.
 */
export function controlCharacter(unshifted: string, shifted: string): string | undefined {
  for (const character of [unshifted, shifted]) {
    const code = character.toUpperCase().charCodeAt(0);
    if (code >= 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40);
  }
  return undefined;
}

import {
  controlCharacter,
  KEY_CHARACTERS,
  keypadDigit,
  MODIFIER,
  USAGE_ERROR_ROLL_OVER,
} from './keyboard-usages.ts';

/*
 * Decodes boot keyboard input reports (HID 1.11, Appendix B.1: modifier byte, reserved
 * byte, six key usage ids) into the characters a keyboard-mode scanner typed.
 *
 * A report lists the keys down at that moment, not key presses. A character is typed when
 * its key appears that was not down in the previous report, so a held key is one character
 * and "AA" needs the release report the scanner sends between the two presses — it does,
 * since a real keyboard could not type it otherwise.
 */
const SHIFT = MODIFIER.leftShift | MODIFIER.rightShift;
const CTRL = MODIFIER.leftCtrl | MODIFIER.rightCtrl;
const ALT = MODIFIER.leftAlt | MODIFIER.rightAlt;
const BOOT_REPORT_LENGTH = 8;

export class BootKeyboardDecoder {
  #down = new Set<number>();
  /** Digits typed on the keypad with Alt held: Windows' Alt+0029 way of sending GS. */
  #altCode = '';

  /** The characters (as bytes) that this report typed. */
  push(report: Uint8Array): number[] {
    // Keyboards with a report id put it first (9 bytes on hidraw); boot reports have none.
    const keys = report.length === BOOT_REPORT_LENGTH + 1 ? report.subarray(1) : report;
    if (keys.length !== BOOT_REPORT_LENGTH) return [];
    const modifiers = keys[0] ?? 0;
    const usages = [...keys.subarray(2)].filter((usage) => usage !== 0);
    if (usages.some((usage) => usage === USAGE_ERROR_ROLL_OVER)) return [];

    const typed: number[] = [];
    if (!(modifiers & ALT) && this.#altCode !== '') {
      typed.push(Number(this.#altCode) % 256);
      this.#altCode = '';
    }
    for (const usage of usages) {
      if (this.#down.has(usage)) continue;
      const character = this.#character(usage, modifiers);
      if (character !== undefined) typed.push(character.charCodeAt(0));
    }
    this.#down = new Set(usages);
    return typed;
  }

  reset(): void {
    this.#down.clear();
    this.#altCode = '';
  }

  #character(usage: number, modifiers: number): string | undefined {
    const digit = keypadDigit(usage);
    if (modifiers & ALT) {
      if (digit !== undefined) this.#altCode += digit;
      return undefined;
    }
    const pair = KEY_CHARACTERS.get(usage);
    if (!pair) return undefined;
    if (modifiers & CTRL) return controlCharacter(pair[0], pair[1]);
    return modifiers & SHIFT ? pair[1] : pair[0];
  }
}

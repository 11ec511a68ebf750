import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BootKeyboardDecoder } from './boot-keyboard-decoder.ts';
import { KEY_CHARACTERS } from './keyboard-usages.ts';

/*
 * Recorded boot keyboard reports (modifier, reserved, 6 usage ids), as hidraw delivers them
 * from a keyboard-mode scanner: every key press is followed by an all-zero release report.
 */
const SHIFT = 0x02;
const CTRL = 0x01;
const ALT = 0x04;
const key = (usage: number, modifiers = 0) => [modifiers, 0, usage, 0, 0, 0, 0, 0];
const release = [0, 0, 0, 0, 0, 0, 0, 0];
const USAGE: Record<string, [number, number]> = {};
'abcdefghijklmnopqrstuvwxyz'.split('').forEach((c, i) => {
  USAGE[c] = [0x04 + i, 0];
  USAGE[c.toUpperCase()] = [0x04 + i, SHIFT];
});
'1234567890'.split('').forEach((c, i) => (USAGE[c] = [0x1e + i, 0]));
Object.assign(USAGE, {
  '-': [0x2d, 0],
  _: [0x2d, SHIFT],
  '(': [0x26, SHIFT],
  ')': [0x27, SHIFT],
  '\r': [0x28, 0],
});

/** What a scanner sends for `text`: press, release, press, release … */
function record(text: string): number[][] {
  return [...text].flatMap((character) => {
    const [usage, modifiers] = USAGE[character] ?? [0, 0];
    return [key(usage, modifiers), release];
  });
}

const decode = (reports: number[][], decoder = new BootKeyboardDecoder()) =>
  String.fromCharCode(...reports.flatMap((report) => decoder.push(Uint8Array.from(report))));

describe('boot keyboard decoder', () => {
  it('decodes a wedge scan with shifted characters and Enter', () => {
    expect(decode(record('RD7k2M-(01)_\r'))).toBe('RD7k2M-(01)_\r');
  });

  it('types repeated characters once per press, with the release reports between them', () => {
    expect(decode(record('PK00011AA\r'))).toBe('PK00011AA\r');
  });

  it('types a held key once (no release, no new character)', () => {
    expect(decode([key(0x04), key(0x04), key(0x04), release])).toBe('a');
  });

  it('types the next key of a rollover without a release between', () => {
    const a = 0x04;
    const b = 0x05;
    expect(decode([key(a), [0, 0, a, b, 0, 0, 0, 0], [0, 0, b, 0, 0, 0, 0, 0], release])).toBe(
      'ab',
    );
  });

  it('shift released and pressed between repeated capitals still types both', () => {
    expect(
      decode([key(0x04, SHIFT), [SHIFT, 0, 0, 0, 0, 0, 0, 0], key(0x04, SHIFT), release]),
    ).toBe('AA');
  });

  it('reads GS as Ctrl+] and ignores the OS keyboard layout entirely', () => {
    expect(decode([key(0x30, CTRL), release])).toBe('\u001d');
  });

  it('reads Alt+keypad codes (Alt+0029 is GS)', () => {
    const keypad0 = 0x62;
    const keypad2 = 0x5a;
    const keypad9 = 0x61;
    const reports = [keypad0, keypad0, keypad2, keypad9].flatMap((usage) => [
      key(usage, ALT),
      [ALT, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(decode([...reports, release, ...record('1')])).toBe('\u001d1');
  });

  it('strips a leading report id (9-byte reports)', () => {
    expect(
      decode([
        [1, ...key(0x05)],
        [1, ...release],
      ]),
    ).toBe('b');
  });

  it('ignores ErrorRollOver reports and reports of the wrong size', () => {
    expect(decode([[0, 0, 1, 1, 1, 1, 1, 1], [1, 2, 3], key(0x06), release])).toBe('c');
  });

  it('reads keypad digits and keypad Enter', () => {
    expect(decode([key(0x59), release, key(0x62), release, key(0x58), release])).toBe('10\r');
  });

  it('decodes every printable ASCII text a scanner can type (property)', () => {
    // The key a US keyboard types each character with, from the usage table itself.
    const keyOf = new Map<string, [number, number]>();
    for (const [usage, [plain, shifted]] of KEY_CHARACTERS) {
      if (!keyOf.has(plain)) keyOf.set(plain, [usage, 0]);
      if (!keyOf.has(shifted)) keyOf.set(shifted, [usage, SHIFT]);
    }
    const printable = [...keyOf.keys()].filter((character) => character >= ' ' && character <= '~');
    expect(printable).toHaveLength(95);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...printable), { maxLength: 80 }), (characters) => {
        const reports = characters.flatMap((character) => {
          const [usage, modifiers] = keyOf.get(character) ?? [0, 0];
          return [key(usage, modifiers), release];
        });
        expect(decode(reports)).toBe(characters.join(''));
      }),
    );
  });
});

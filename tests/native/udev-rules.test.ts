import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCANNER_VENDORS } from '#core/devices/scanner-likeness.ts';
import { formatUsbId } from '#core/devices/usb-id.ts';

/*
 * The udev rules, checked for the mistakes that make udev ignore a line silently: keys it
 * does not know, uppercase hex (udev compares ids as lowercase strings), a missing comma.
 * (udevadm verify would do this, but Debian 12's udev 252 does not have it.)
 */
const RULES = fileURLToPath(
  new URL('../../build/udev/70-ordertrace-scanners.rules', import.meta.url),
);
const rules = readFileSync(RULES, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));

const PAIR =
  /^(SUBSYSTEM|ATTRS\{idVendor\}|ATTRS\{idProduct\})=="[^"]*"$|^(MODE|GROUP)="[^"]*"$|^(TAG|SYMLINK)\+="[^"]*"$|^ENV\{[A-Z_]+\}="[^"]*"$/;

describe('udev rules', () => {
  it('has only well-formed key/value pairs', () => {
    for (const line of rules) {
      for (const pair of line.split(', ')) expect(pair, line).toMatch(PAIR);
    }
  });

  it('writes USB ids as 4 lowercase hex digits', () => {
    for (const [, id] of rules.join('\n').matchAll(/ATTRS\{id(?:Vendor|Product)\}=="([^"]*)"/g)) {
      expect(id).toMatch(/^[0-9a-f]{4}$/);
    }
  });

  it('covers every scanner vendor ordertrace devices recognises, and the HID relay board', () => {
    const text = rules.join('\n');
    for (const vendor of Object.keys(SCANNER_VENDORS)) {
      expect(text).toContain(
        `SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${formatUsbId(Number(vendor))}"`,
      );
    }
    expect(text).toContain('ATTRS{idVendor}=="16c0", ATTRS{idProduct}=="05df"');
  });
});

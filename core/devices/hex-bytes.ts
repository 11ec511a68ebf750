import { z } from 'zod';

/*
 * Relay boards take byte commands that their manuals print as hex ("A0 01 01 A2"). Config
 * keeps the text people can compare with the manual; the driver turns it into bytes.
 */
const HEX_COMMAND = /^[0-9a-f]{2}(?:[\s:,-]?[0-9a-f]{2})*$/i;

export const hexCommandSchema = z
  .string()
  .trim()
  .regex(HEX_COMMAND, 'a command is hex bytes, like "A0 01 01 A2"');

export function parseHexBytes(text: string): Uint8Array {
  const digits = text.replace(/[\s:,-]/g, '');
  if (!HEX_COMMAND.test(text.trim()) || digits.length % 2 !== 0) {
    throw new RangeError(`'${text}' is not hex bytes like "A0 01 01 A2"`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(digits.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

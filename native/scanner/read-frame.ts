import { parseScan } from '#core/scan/parse-scan.ts';
import { splitSymbology } from '#core/scan/symbology.ts';
import { DeviceError } from '../device-error.ts';
import type { Scan } from './scanner.ts';

/*
 * One framed read → a Scan, or the error that explains why it is not one. Scanners send
 * ASCII (or UTF-8 from a QR code); the only control characters a barcode may carry are GS,
 * RS and EOT (ISO/IEC 15434 message envelopes, GS1 FNC1). Anything else — or bytes that are
 * not UTF-8 — means the wrong baud rate or framing, a loose cable, or a device that is not
 * a scanner, and is reported as noise instead of reaching the station's rules.
 */
const ALLOWED_CONTROLS = new Set([0x04, 0x1c, 0x1d, 0x1e]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Escape control characters so a read can be shown on one line: GS → \x1d. */
export const escapeControls = (text: string): string =>
  [...text]
    .map((character) => {
      const code = character.charCodeAt(0);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      return control ? `\\x${code.toString(16).padStart(2, '0')}` : character;
    })
    .join('');

const preview = (bytes: Uint8Array) =>
  escapeControls(Buffer.from(bytes.subarray(0, 24)).toString('latin1'));

export function readFrame(bytes: Uint8Array, source: string, at: number): Scan | DeviceError {
  const bad = bytes.find((byte) => (byte < 0x20 || byte === 0x7f) && !ALLOWED_CONTROLS.has(byte));
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    // Not UTF-8: handled below as noise; the decoder's own message says nothing useful.
    text = undefined;
  }
  if (bad !== undefined || text === undefined) {
    return new DeviceError(
      'noise',
      `The scanner on ${source} sent ${bytes.length} bytes that are not a barcode ('${preview(bytes)}…'). ` +
        'Check the baud rate, data bits, parity and stop bits, and the cable.',
    );
  }
  const { symbology } = splitSymbology(text);
  return { raw: text, ...(symbology ? { symbology } : {}), parsed: parseScan(text), source, at };
}

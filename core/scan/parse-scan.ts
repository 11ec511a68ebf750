import { parseCode, type CodeKind } from '../codes/formats.ts';
import { hasValidGs1CheckDigit } from '../gs1/check-digit.ts';
import { fromHumanReadable, GS, parseElementString } from '../gs1/element-string.ts';
import { splitSymbology, type Symbology } from './symbology.ts';

export type ScanKind = CodeKind | 'gs1' | 'unknown';

/** What one scanner read is, as `ordertrace parse` prints it and the station decides on. */
export interface ScanParse {
  kind: ScanKind;
  valid: boolean;
  /** The data without symbology identifier. */
  code: string;
  /** The order code this scan belongs to, where it names one. */
  order?: string;
  serial?: number;
  /** GS1 application identifier → value. */
  gs1?: Record<string, string>;
  symbology?: Symbology;
  /** A sentence for the person at the scanner when not valid. */
  error?: string;
}

export const MAX_SCAN_LENGTH = 512;

function gs1Result(data: string, symbology: Symbology | undefined): ScanParse {
  const parsed = parseElementString(data);
  const code = data.startsWith(GS) ? data.slice(1) : data;
  const base = { kind: 'gs1' as const, code, ...(symbology ? { symbology } : {}) };
  if (!parsed.valid) return { ...base, valid: false, error: parsed.error };
  const result: ScanParse = { ...base, valid: true, gs1: parsed.values };
  // Our own order code may travel in AI 400 (customer's order number) or 90 (internal).
  for (const ai of ['90', '400']) {
    const own = parsed.values[ai] ? parseCode(parsed.values[ai]) : undefined;
    if (own?.valid && own.order) return { ...result, order: own.order };
  }
  return result;
}

/**
 * Our codes are upper case; a keyboard-wedge scanner with Caps Lock on (or a phone camera
 * app) delivers them lower case. The check character still guards every symbol, so reading
 * them upper case cannot turn one code into another. GS1 data keeps its case (AIs such as
 * batch numbers are case-sensitive).
 */
function normaliseCase(data: string): string {
  if (data.includes(GS) || /^[0-9(]/.test(data)) return data;
  return /^[A-Za-z0-9]+$/.test(data) ? data.toUpperCase() : data;
}

/** A bare GTIN-8/12/13/14 (EAN/UPC, or ITF-14): report it as AI (01) GTIN. */
const isBareGtin = (data: string) => /^(?:[0-9]{8}|[0-9]{12,14})$/.test(data);

/**
 * 18 digits alone, with a valid GS1 check digit: an SSCC typed from a logistic label's
 * human-readable line or read without its AI. Reported as AI (00).
 */
const isBareSscc = (data: string) => /^[0-9]{18}$/.test(data) && hasValidGs1CheckDigit(data);

const looksLikeElementString = (data: string) =>
  /^[0-9]/.test(data) && (data.includes(GS) || /^[0-9]{16,}$/.test(data));

/**
 * Parse what a scanner delivered, normalising it once: the one place where raw scanner text
 * becomes a code. Accepts an AIM symbology identifier in front and FNC1 as ASCII 29; never
 * depends on keyboard layout; leading and trailing whitespace (a suffix the driver left, a
 * typed space) is dropped and our codes are read upper case. `code` is the normalised code
 * every decision and every recorded effect uses; a control character inside is a fault.
 */
export function parseScan(scan: string): ScanParse {
  if (scan.length > MAX_SCAN_LENGTH) {
    return {
      kind: 'unknown',
      valid: false,
      code: scan.slice(0, 64),
      error: `The scan is ${scan.length} characters long; no code is longer than ${MAX_SCAN_LENGTH}. The scanner may be sending noise.`,
    };
  }
  const { symbology, data: raw } = splitSymbology(scan.trim());
  const withSymbology = symbology ? { symbology } : {};
  const data = normaliseCase(raw);

  // GS1 data always starts with a digit AI; a GS1-mode reader that hands us letters is
  // reading one of our own codes from a symbol that merely started with FNC1.
  const gs1Data = /^[0-9]/.test(data.startsWith(GS) ? data.slice(1) : data);
  if ((symbology?.gs1 || data.startsWith(GS)) && (gs1Data || data.length <= 1)) {
    return gs1Result(data, symbology);
  }
  if (isBareGtin(data)) return gs1Result(`01${data.padStart(14, '0')}`, symbology);
  if (isBareSscc(data)) return gs1Result(`00${data}`, symbology);
  // A label prints `(00) 0061 4141…`; GS1 data never contains a space, so spaces typed or
  // read with the human-readable text are layout, not data.
  const humanReadable = data.startsWith('(')
    ? fromHumanReadable(data.replace(/\s+/g, ''))
    : undefined;
  if (humanReadable) return gs1Result(humanReadable, symbology);
  if (looksLikeElementString(data)) return gs1Result(data, symbology);

  const parsed = parseCode(data);
  if (parsed.valid) {
    const { kind, code, order, serial } = parsed;
    return {
      kind,
      valid: true,
      code,
      ...(order ? { order } : {}),
      ...(serial ? { serial } : {}),
      ...withSymbology,
    };
  }
  return { kind: parsed.kind, valid: false, code: data, error: parsed.error, ...withSymbology };
}

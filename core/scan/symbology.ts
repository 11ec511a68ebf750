/*
 * AIM symbology identifiers (ISO/IEC 15424): "]" + a code character + one modifier
 * character, sent by a scanner before the data when it is configured to. They tell which
 * symbology was read and, for the modifiers below, that the data is GS1 (FNC1 first).
 */
export interface Symbology {
  identifier: string;
  name: string;
  gs1: boolean;
}

const NAMES: Readonly<Record<string, string>> = {
  A: 'Code 39',
  C: 'Code 128',
  E: 'EAN/UPC',
  F: 'Codabar',
  G: 'Code 93',
  I: 'Interleaved 2 of 5',
  L: 'PDF417',
  Q: 'QR Code',
  d: 'Data Matrix',
  e: 'GS1 DataBar',
  z: 'Aztec',
  J: 'DotCode',
};

/** Identifiers whose data is a GS1 element string. */
const GS1_IDENTIFIERS = new Set([']C1', ']d2', ']Q3', ']e0', ']J1', ']z1', ']L2']);

export function splitSymbology(scan: string): { symbology?: Symbology; data: string } {
  const match = /^\][A-Za-z][0-9A-Za-z]/.exec(scan);
  if (!match) return { data: scan };
  const identifier = match[0];
  const code = identifier[1] ?? '';
  const gs1 = GS1_IDENTIFIERS.has(identifier);
  const base = NAMES[code] ?? `symbology '${code}'`;
  const name =
    gs1 && code === 'C' ? 'GS1-128' : gs1 && !base.startsWith('GS1') ? `GS1 ${base}` : base;
  return { symbology: { identifier, name, gs1 }, data: scan.slice(identifier.length) };
}

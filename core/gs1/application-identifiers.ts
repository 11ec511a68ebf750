/*
 * GS1 Application Identifiers that Ordertrace understands (GS1 General Specifications §3.2).
 * `fixed` AIs always have exactly `length` data characters; `variable` ones up to `max` and
 * end at a GS (FNC1) unless last. `predefined` marks the AIs whose length is fixed by the
 * standard's own table (Figure 7.8.5-2), the only ones that need no separator after them.
 */
export type Charset = 'N' | 'X';

export interface AiDefinition {
  ai: string;
  title: string;
  charset: Charset;
  length: { fixed: number } | { max: number };
  /** The last digit is a GS1 mod-10 check digit. */
  checkDigit?: boolean;
  /** YYMMDD; DD may be 00 (end of month). */
  date?: boolean;
  /** N decimals, encoded in the AI's last digit (310n, 330n). */
  decimals?: number;
}

const fixed = (
  ai: string,
  title: string,
  length: number,
  extra: Partial<AiDefinition> = {},
): AiDefinition => ({ ai, title, charset: 'N', length: { fixed: length }, ...extra });
const variable = (
  ai: string,
  title: string,
  max: number,
  charset: Charset = 'X',
): AiDefinition => ({
  ai,
  title,
  charset,
  length: { max },
});

const table: AiDefinition[] = [
  fixed('00', 'SSCC', 18, { checkDigit: true }),
  fixed('01', 'GTIN', 14, { checkDigit: true }),
  fixed('02', 'CONTENT', 14, { checkDigit: true }),
  variable('10', 'BATCH/LOT', 20),
  fixed('11', 'PROD DATE', 6, { date: true }),
  fixed('12', 'DUE DATE', 6, { date: true }),
  fixed('13', 'PACK DATE', 6, { date: true }),
  fixed('15', 'BEST BEFORE or BEST BY', 6, { date: true }),
  fixed('16', 'SELL BY', 6, { date: true }),
  fixed('17', 'USE BY or EXPIRY', 6, { date: true }),
  fixed('20', 'VARIANT', 2),
  variable('21', 'SERIAL', 20),
  variable('22', 'CPV', 20),
  variable('240', 'ADDITIONAL ID', 30),
  variable('241', 'CUST. PART No.', 30),
  variable('250', 'SECONDARY SERIAL', 30),
  variable('30', 'VAR. COUNT', 8, 'N'),
  ...[0, 1, 2, 3, 4, 5].map((n) => fixed(`310${n}`, 'NET WEIGHT (kg)', 6, { decimals: n })),
  ...[0, 1, 2, 3, 4, 5].map((n) => fixed(`330${n}`, 'GROSS WEIGHT (kg)', 6, { decimals: n })),
  variable('37', 'COUNT', 8, 'N'),
  variable('400', 'ORDER NUMBER', 30),
  variable('401', 'GINC', 30),
  fixed('402', 'GSIN', 17, { checkDigit: true }),
  variable('403', 'ROUTE', 30),
  fixed('410', 'SHIP TO LOC', 13, { checkDigit: true }),
  fixed('411', 'BILL TO', 13, { checkDigit: true }),
  fixed('412', 'PURCHASE FROM', 13, { checkDigit: true }),
  fixed('413', 'SHIP FOR LOC', 13, { checkDigit: true }),
  fixed('414', 'LOC No.', 13, { checkDigit: true }),
  variable('420', 'SHIP TO POST', 20),
  variable('421', 'SHIP TO POST (ISO)', 12),
  variable('90', 'INTERNAL', 30),
  ...[91, 92, 93, 94, 95, 96, 97, 98, 99].map((n) => variable(String(n), 'INTERNAL', 90)),
];

export const APPLICATION_IDENTIFIERS: ReadonlyMap<string, AiDefinition> = new Map(
  table.map((definition) => [definition.ai, definition]),
);

/** First two digits of the AIs whose length the standard predefines (Figure 7.8.5-2). */
const PREDEFINED_LENGTH_PREFIXES = new Set([
  '00',
  '01',
  '02',
  '03',
  '04',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '41',
]);

/** True when no GS separator has to follow this AI's data, whatever comes next. */
export function hasPredefinedLength(ai: string): boolean {
  return PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2));
}

/** Find the AI that `text` starts with: AIs are prefix-free, so at most one matches. */
export function matchApplicationIdentifier(text: string): AiDefinition | undefined {
  for (const length of [2, 3, 4]) {
    const definition = APPLICATION_IDENTIFIERS.get(text.slice(0, length));
    if (definition) return definition;
  }
  return undefined;
}

/** GS1 AI encodable character set 82 (§7.11, Figure 7.11-1). */
export const CHARSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

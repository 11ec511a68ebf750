/*
 * Latin words on Chinese screens (issue 16): what tests/lint/i18n-catalogs.test.ts checks in
 * the word catalogs and the e2e walk in Chinese checks on the screens themselves. A Chinese
 * text may carry codes, units and names that are the same in every language (kept short,
 * on purpose); anything else Latin is English left untranslated.
 */
export const LATIN_ALLOWED = new Set([
  // Names: the product, a language's own name on its switch, standards and formats.
  'Ordertrace',
  'English',
  'Electron',
  'Webhook',
  'EPCIS',
  'JSON',
  'JSON-LD',
  'GS', // GS1
  'SSCC',
  'CUPS',
  'PDF',
  'ZPL',
  'TCP',
  'HID',
  'USB',
  'CDC',
  'Modbus', // the line-stop output's fieldbus
  'RS-', // RS-232
  'http',
  'https',
  // An example address in a sentence about e-mail addresses.
  'name',
  'example.com',
]);

/** The Latin words of a text, its {placeholders} left out. */
export const latinWords = (text: string): string[] =>
  text.replace(/\{\w+\}/g, '').match(/[A-Za-z][A-Za-z.-]*/g) ?? [];

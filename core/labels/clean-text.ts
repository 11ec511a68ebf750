/*
 * Free text for a label (an address typed into a web form, a material name from an ERP)
 * may carry anything. Before it is measured and drawn it is normalised: NFC, Windows and
 * old-Mac line ends to \n, tabs and odd spaces to one space, and invisible characters that
 * would print as boxes or reorder text (control characters, bidi overrides, zero-width
 * spaces, variation selectors) removed. The zero-width joiner stays: it holds an emoji
 * sequence together, so the renderer can replace the whole sequence with one mark.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- finding these characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]|\udb40[\udc00-\udfff]/g;

export function cleanLabelText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\u00a0\u2000-\u200a\u202f\u205f]/g, ' ')
    .replace(INVISIBLE, '')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .filter((line, index, lines) => line !== '' || (index > 0 && lines[index - 1] !== ''))
    .join('\n')
    .trim();
}

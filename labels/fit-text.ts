import { cleanLabelText } from '#core/labels/clean-text.ts';
import type { LabelFont } from './font.ts';

/*
 * Fit free text into a box: clean it, replace what the font cannot draw, wrap at spaces
 * (and between CJK characters, which Chinese breaks anywhere), and cut the last line with
 * an ellipsis when the text does not fit. A 2,000-character address thus becomes as many
 * lines as the box holds, visibly cut, never text running over a barcode.
 */
export const ELLIPSIS = '…';
/** Printed for a character the font lacks (an emoji), one per grapheme. */
export const REPLACEMENT = '?';

export interface FittedText {
  lines: string[];
  /** True when text was cut or characters replaced: the label shows it, the caller may warn. */
  truncated: boolean;
  replaced: boolean;
}

const ZWJ = '\u200d';
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function replaceUndrawable(text: string, font: LabelFont): { text: string; replaced: boolean } {
  // Segmenting graphemes is slow; almost every text is drawable as it is.
  let allCovered = true;
  for (const char of text) {
    if (char !== '\n' && !font.covers(char.codePointAt(0) ?? 0)) {
      allCovered = false;
      break;
    }
  }
  if (allCovered) return { text, replaced: false };
  let replaced = false;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    const drawable = [...segment].every(
      (char) => char === '\n' || char === ZWJ || font.covers(char.codePointAt(0) ?? 0),
    );
    if (drawable) out += segment.replaceAll(ZWJ, '');
    else {
      out += REPLACEMENT;
      replaced = true;
    }
  }
  return { text: out, replaced };
}

export function textWidthEm(text: string, font: LabelFont): number {
  let width = 0;
  for (const char of text) width += font.glyph(char.codePointAt(0) ?? 0).advance;
  return width;
}

// A token is a run of spaces, one CJK character (a break is allowed around it), or a word.
const CJK =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3000-\\u303f\\uff00-\\uffef';
const TOKEN = new RegExp(`\\s+|[${CJK}]|[^\\s${CJK}]+`, 'gu');

interface WrappedLine {
  text: string;
  /** A space separated this line from the next in the text (none where CJK or a long word broke). */
  spaceAfter: boolean;
}

function wrapParagraph(paragraph: string, maxEm: number, font: LabelFont): WrappedLine[] {
  const lines: WrappedLine[] = [];
  let line = '';
  const push = () => {
    lines.push({ text: line.trimEnd(), spaceAfter: line.endsWith(' ') });
    line = '';
  };
  for (const token of paragraph.match(TOKEN) ?? []) {
    if (/^\s+$/.test(token)) {
      if (line !== '') line += ' ';
      continue;
    }
    if (textWidthEm(line + token, font) <= maxEm) {
      line += token;
      continue;
    }
    if (line.trim() !== '') push();
    // A word longer than the whole line is broken between characters.
    for (const char of token) {
      if (line !== '' && textWidthEm(line + char, font) > maxEm) push();
      line += char;
    }
  }
  if (line.trim() !== '' || lines.length === 0) push();
  // The end of a paragraph reads as a space when the cut joins it to the next one.
  const last = lines.at(-1);
  if (last) last.spaceAfter = true;
  return lines;
}

function withEllipsis(line: string, maxEm: number, font: LabelFont): string {
  const chars = [...line.trimEnd()];
  while (chars.length > 0 && textWidthEm(chars.join('') + ELLIPSIS, font) > maxEm) chars.pop();
  return chars.join('').trimEnd() + ELLIPSIS;
}

/** Lines of `text` that fit `maxLines` lines of `widthEm` (the box width in font sizes). */
export function fitText(
  text: string,
  widthEm: number,
  maxLines: number,
  font: LabelFont,
): FittedText {
  const { text: drawable, replaced } = replaceUndrawable(cleanLabelText(text), font);
  const all = drawable.split('\n').flatMap((paragraph) => wrapParagraph(paragraph, widthEm, font));
  if (all.length <= maxLines)
    return { lines: all.map((line) => line.text), truncated: false, replaced };
  const kept = all.slice(0, Math.max(1, maxLines)).map((line) => line.text);
  const last = kept.length - 1;
  // Fill the last line with as much of the following text as fits before the ellipsis,
  // so "Customer ref. WWWW…" shows part of the reference rather than none of it.
  const joint = all[last]?.spaceAfter ? ' ' : '';
  kept[last] = withEllipsis(
    `${kept[last] ?? ''}${joint}${all[last + 1]?.text ?? ''}`,
    widthEm,
    font,
  );
  return { lines: kept, truncated: true, replaced };
}

import { describe, expect, it } from 'vitest';
import { ELLIPSIS, fitText, REPLACEMENT, textWidthEm } from './fit-text.ts';
import { labelFont } from './font.ts';

const font = labelFont();

describe('fitText', () => {
  it('keeps short text on one line', () => {
    expect(fitText('Oak board', 20, 2, font)).toEqual({
      lines: ['Oak board'],
      truncated: false,
      replaced: false,
    });
  });

  it('wraps at spaces and keeps every line inside the width', () => {
    const { lines } = fitText('Oak side table with walnut finish and brass feet', 10, 10, font);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(textWidthEm(line, font)).toBeLessThanOrEqual(10);
    expect(lines.join(' ')).toBe('Oak side table with walnut finish and brass feet');
  });

  it('breaks Chinese between characters, where Chinese allows it', () => {
    const { lines } = fitText('上海市浦东新区张江路88号3号楼', 6, 5, font);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe('上海市浦东新区张江路88号3号楼');
    for (const line of lines) expect(textWidthEm(line, font)).toBeLessThanOrEqual(6);
  });

  it('cuts what does not fit with an ellipsis on the last line', () => {
    const { lines, truncated } = fitText('Street '.repeat(300), 20, 3, font);
    expect(truncated).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[2]?.endsWith(ELLIPSIS)).toBe(true);
    expect(textWidthEm(lines[2] ?? '', font)).toBeLessThanOrEqual(20);
  });

  it('breaks a word longer than the line between characters', () => {
    const { lines } = fitText('X'.repeat(200), 10, 50, font);
    expect(lines.join('')).toBe('X'.repeat(200));
    for (const line of lines) expect(textWidthEm(line, font)).toBeLessThanOrEqual(10);
  });

  it('prints one ? per emoji the font cannot draw, skin tones and ZWJ families included', () => {
    const fitted = fitText('Box 😀 for 👍🏽 and 👨‍👩‍👧', 40, 1, font);
    expect(fitted.lines).toEqual([`Box ${REPLACEMENT} for ${REPLACEMENT} and ${REPLACEMENT}`]);
    expect(fitted.replaced).toBe(true);
  });

  it('honours the line breaks of an address', () => {
    expect(fitText('Acme Ltd\nDock 4', 40, 3, font).lines).toEqual(['Acme Ltd', 'Dock 4']);
  });
});

describe('fitText cutting a long word', () => {
  it('shows as much of it as fits before the ellipsis', () => {
    const { lines } = fitText(`Ref. ${'W'.repeat(100)}`, 12, 1, font);
    expect(lines[0]).toMatch(/^Ref\. W+…$/);
    expect(textWidthEm(lines[0] ?? '', font)).toBeLessThanOrEqual(12);
  });
});

describe('fitText cutting mixed Chinese and Latin text', () => {
  it('keeps the space between a Chinese line end and the Latin word that follows', () => {
    const text = '上海市浦东新区 Werkstraße 12 Hinterhof Tor 4';
    const { lines } = fitText(text, 10, 1, font);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^上海市浦东新区 W.*…$/);
  });
});

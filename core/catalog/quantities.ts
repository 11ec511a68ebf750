/*
 * Numbers and lengths as customers write them: "120 cm", "1.2 m", "1200 mm", "120厘米",
 * "一米", "eight", "八", "两". These are the language's, not the catalog's, so they are
 * listed here; what a number counts (seats, tiers, drawers) is learnt from the catalog.
 */

const ENGLISH_NUMBERS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  single: 1,
  two: 2,
  double: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  单: 1,
  二: 2,
  两: 2,
  双: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** Characters that can make up a Chinese numeral. */
export const CHINESE_NUMERAL = /^[零〇一单二两双三四五六七八九十百]+$/u;

/** A number written as digits, an English word or Chinese numerals; undefined otherwise. */
export function parseNumber(word: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(word)) return Number(word);
  const english = ENGLISH_NUMBERS[word];
  if (english !== undefined) return english;
  if (!CHINESE_NUMERAL.test(word)) return undefined;
  return parseChineseNumeral(word);
}

/** 八 = 8, 十二 = 12, 二十 = 20, 一百二十 = 120. */
function parseChineseNumeral(text: string): number | undefined {
  let total = 0;
  let current = 0;
  for (const char of text) {
    const digit = CHINESE_DIGITS[char];
    if (digit !== undefined) current = digit;
    else if (char === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else if (char === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else return undefined;
  }
  return total + current;
}

/** Length units in centimetres, in both languages. */
export const LENGTH_UNITS: Readonly<Record<string, number>> = {
  mm: 0.1,
  millimetre: 0.1,
  millimetres: 0.1,
  millimeter: 0.1,
  millimeters: 0.1,
  cm: 1,
  centimetre: 1,
  centimetres: 1,
  centimeter: 1,
  centimeters: 1,
  m: 100,
  metre: 100,
  metres: 100,
  meter: 100,
  meters: 100,
  毫米: 0.1,
  厘米: 1,
  公分: 1,
  米: 100,
};

/** Centimetres per unit of an attribute key such as `length_cm`; undefined when it has none. */
export function keyUnitInCm(key: string): number | undefined {
  const unit = /_(mm|cm|m)$/.exec(key)?.[1];
  return unit === undefined ? undefined : LENGTH_UNITS[unit];
}

/** What a dimension key measures: `height_cm` → `height`. */
export const dimensionName = (key: string) => key.replace(/_(mm|cm|m)$/, '');

/** Two lengths in centimetres are the same size when they differ by under half a centimetre. */
export const sameLength = (a: number, b: number) => Math.abs(a - b) < 0.5;

/** "120 cm" for people: centimetres without a trailing ".0". */
export const formatCm = (cm: number) => `${Math.round(cm * 10) / 10} cm`;

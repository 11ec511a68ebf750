import { describe, expect, it } from 'vitest';
import { buildCatalogIndex } from './catalog-index.ts';
import { matchSimilar, searchCatalog } from './match.ts';
import type { SearchableProduct } from './product-text.ts';
import { understandRequest } from './understand.ts';

const product = (
  code: string,
  nameEn: string,
  nameZh: string,
  attributes: SearchableProduct['attributes'],
  descriptionEn = '',
  descriptionZh = '',
): SearchableProduct => ({ code, nameEn, nameZh, descriptionEn, descriptionZh, attributes });

const table = { type: 'dining table', type_zh: '餐桌' };
const oak = { material: 'oak', material_zh: '橡木' };
const walnut = { material: 'walnut', material_zh: '胡桃木' };
const CATALOG = [
  product(
    'OAK160',
    'Oak dining table 160',
    '橡木餐桌 160',
    { ...table, ...oak, length_cm: 160, seats: 6 },
    'Seats six.',
    '六人座。',
  ),
  product(
    'OAK120',
    'Oak dining table 120',
    '橡木餐桌 120',
    { ...table, ...oak, length_cm: 120, seats: 4 },
    'Seats four.',
    '四人座。',
  ),
  product(
    'WAL160',
    'Walnut dining table 160',
    '胡桃木餐桌 160',
    { ...table, ...walnut, length_cm: 160, seats: 6 },
    'Seats six.',
    '六人座。',
  ),
  product(
    'WAL200',
    'Walnut dining table 200',
    '胡桃木餐桌 200',
    { ...table, ...walnut, length_cm: 200, seats: 8 },
    'Seats eight.',
    '八人座。',
  ),
  product('WCOF120', 'Walnut coffee table 120', '胡桃木茶几 120', {
    type: 'coffee table',
    type_zh: '茶几',
    ...walnut,
    length_cm: 120,
  }),
  product('OCHAIR', 'Oak dining chair', '橡木餐椅', {
    type: 'dining chair',
    type_zh: '餐椅',
    ...oak,
  }),
  product(
    'SHELF',
    'Ash bookshelf 5 tiers',
    '白蜡木五层书架',
    {
      type: 'bookshelf',
      type_zh: '书架',
      material: 'ash',
      material_zh: '白蜡木',
      height_cm: 180,
      tiers: 5,
    },
    'Solid ash, 180 cm tall, adjustable shelves.',
    '层板可调。',
  ),
  product('SOFA3', 'Three-seat linen sofa', '三人亚麻沙发', {
    type: 'sofa',
    material: 'linen',
    seats: 3,
  }),
];
const index = buildCatalogIndex(CATALOG);

const first = (similar: string, differences: string) =>
  matchSimilar(index, similar, differences).candidates[0]?.product.code ?? 'customer service';

describe('reading a request as changes to attributes', () => {
  it('reads a length in any unit and either language as the same size', () => {
    for (const size of [
      '120 cm',
      '1.2 m',
      '1200 mm',
      '120厘米',
      '1.2米',
      '120公分',
      '1200毫米',
      '120cm',
    ])
      expect(understandRequest(index, size).wanted, size).toEqual([
        { type: 'length', dimension: null, cm: 120 },
      ]);
  });

  it('reads counts with the counter words the catalog itself uses', () => {
    for (const seats of ['八人座', 'eight seats', 'seats 8', '8-seater'])
      expect(understandRequest(index, seats).wanted, seats).toContainEqual({
        type: 'count',
        key: 'seats',
        value: 8,
      });
    expect(understandRequest(index, '五层').wanted).toContainEqual({
      type: 'count',
      key: 'tiers',
      value: 5,
    });
  });

  it('refuses what the customer turns away from, in both languages', () => {
    for (const text of [
      'oak instead of walnut',
      'not walnut, oak',
      '不要胡桃木，要橡木',
      '把胡桃木换成橡木',
    ]) {
      const request = understandRequest(index, text);
      expect(
        request.refused.map((f) => f.value),
        text,
      ).toEqual(['walnut']);
      expect(request.wanted, text).toEqual([
        { type: 'facet', options: [expect.objectContaining({ value: 'oak' })] },
      ]);
    }
  });

  it('segments Chinese with the catalog vocabulary and keeps words it does not know', () => {
    expect(understandRequest(index, '换成胡桃木，八人座').wanted).toEqual([
      { type: 'facet', options: [expect.objectContaining({ key: 'material', value: 'walnut' })] },
      { type: 'count', key: 'seats', value: 8 },
    ]);
    expect(understandRequest(index, '紫色飞毯').wanted).toEqual([
      {
        type: 'unknown',
        word: '紫色飞毯',
      },
    ]);
  });

  it('ignores what describes X before "but", and corrects a misspelt catalog word', () => {
    expect(understandRequest(index, 'like the oak table, but walnut').wanted).toEqual([
      { type: 'facet', options: [expect.objectContaining({ value: 'walnut' })] },
    ]);
    expect(understandRequest(index, 'wallnut').wanted).toEqual([
      { type: 'facet', options: [expect.objectContaining({ value: 'walnut' })] },
    ]);
  });
});

describe('ranking like a salesperson', () => {
  it('offers the product of the same kind that meets every change', () => {
    expect(first('OAK160', 'walnut')).toBe('WAL160');
    expect(first('OAK160', '1.2 m')).toBe('OAK120');
    expect(first('OAK160', '换成胡桃木，八人座')).toBe('WAL200');
  });

  it('never offers a product that contradicts a requested value, nor another kind', () => {
    // Walnut and 120 cm: only a walnut coffee table has both; a dining table was asked for.
    const answer = matchSimilar(index, 'OAK160', 'but walnut and 120 cm');
    expect(answer.candidates).toEqual([]);
    expect(answer.closest.map((c) => c.product.code)).not.toContain('WCOF120');
    expect(answer.closest[0]?.reasons).toContainEqual({
      en: 'dining table',
      zh: '餐桌',
      met: true,
    });
    expect(first('OCHAIR', 'walnut')).toBe('customer service');
  });

  it('offers another kind when the request names it', () => {
    expect(first('WAL160', 'coffee table, 120 cm')).toBe('WCOF120');
  });

  it('offers X itself when the requested changes already hold', () => {
    expect(first('OAK160', 'oak, six seats')).toBe('OAK160');
    expect(first('WAL200', '橡木')).toBe('OAK160');
  });

  it('sends words nothing in the catalog has to customer service, with the closest products', () => {
    const answer = matchSimilar(index, 'OCHAIR', 'purple flying carpet with wifi');
    expect(answer.candidates).toEqual([]);
    expect(answer.closest[0]?.product.code).toBe('OCHAIR');
    expect(answer.closest[0]?.reasons).toContainEqual({ en: 'wifi', zh: 'wifi', met: false });
  });

  it('says why each candidate was offered, in both languages', () => {
    const [candidate] = matchSimilar(index, 'OAK160', 'walnut, 2 m, 八人座').candidates;
    expect(candidate?.product.code).toBe('WAL200');
    expect(candidate?.reasons).toEqual([
      { en: 'dining table', zh: '餐桌', met: true },
      { en: 'walnut', zh: '胡桃木', met: true },
      { en: '200 cm', zh: '200 厘米', met: true },
      { en: '8 seats', zh: '8人', met: true },
    ]);
  });

  it('compares with X when asked for bigger or smaller', () => {
    expect(first('OAK120', 'bigger')).toBe('OAK160');
    expect(first('OAK160', 'a bit smaller, four seats')).toBe('OAK120');
  });
});

describe('search that reads sentences', () => {
  const codes = (query: string) => searchCatalog(index, query, 10).map((hit) => hit.product.code);

  it('finds products from a sentence and from a single character', () => {
    // Each meets two of the three: a walnut dining table, a 120 cm dining table, a walnut 120 cm coffee table.
    const sentence = codes('和餐桌类似，但是胡桃木，120厘米');
    expect(sentence.slice(0, 4).sort()).toEqual(['OAK120', 'WAL160', 'WAL200', 'WCOF120']);
    expect(sentence).not.toContain('SOFA3');
    expect(codes('桌')).toEqual(expect.arrayContaining(['OAK160', 'WAL200']));
    expect(codes('桌')).not.toContain('OCHAIR');
  });

  it('matches whole words: "table" is not in "adjustable"', () => {
    expect(codes('table')).not.toContain('SHELF');
    expect(codes('adjustable')).toEqual(['SHELF']);
  });
});

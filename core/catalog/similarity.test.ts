import { describe, expect, it } from 'vitest';
import {
  attributeOverlap,
  containment,
  ngrams,
  searchScore,
  similarityScore,
  type SearchableProduct,
} from './similarity.ts';

const product = (overrides: Partial<SearchableProduct>): SearchableProduct => ({
  code: 'PD000000X',
  nameEn: '',
  nameZh: '',
  descriptionEn: '',
  descriptionZh: '',
  attributes: {},
  ...overrides,
});

const oakTable = product({
  nameEn: 'Oak dining table',
  nameZh: '橡木餐桌',
  attributes: { material: 'oak', width_cm: 160 },
});
const walnutTable = product({
  nameEn: 'Walnut dining table',
  nameZh: '胡桃木餐桌',
  attributes: { material: 'walnut', width_cm: 160 },
});
const walnutChair = product({
  nameEn: 'Walnut chair',
  nameZh: '胡桃木椅子',
  attributes: { material: 'walnut' },
});
const sofa = product({
  nameEn: 'Linen sofa',
  nameZh: '亚麻沙发',
  attributes: { material: 'linen', seats: 3 },
});

describe('n-gram similarity', () => {
  it('finds two-character Chinese words inside longer text', () => {
    expect(ngrams('餐桌')).toEqual(new Set(['餐桌']));
    expect(containment('餐桌', '胡桃木餐桌')).toBe(1);
    expect(containment('沙发', '胡桃木餐桌')).toBe(0);
  });

  it('ignores case, width and spacing', () => {
    expect(containment('OAK  Table', 'oak dining table')).toBeGreaterThan(0.7);
    expect(containment('ＯＡＫ', 'oak')).toBe(1);
  });

  it('is zero for an empty query', () => {
    expect(containment('', 'anything')).toBe(0);
    expect(attributeOverlap({}, { a: 1 })).toBe(0);
  });
});

describe('ranking', () => {
  it('ranks the product whose name matches above those that only share words', () => {
    const scores = [oakTable, walnutTable, walnutChair, sofa].map((p) =>
      searchScore('胡桃木餐桌', p),
    );
    expect(scores[1]).toBeGreaterThan(scores[0] ?? 1);
    expect(scores[1]).toBeGreaterThan(scores[2] ?? 1);
    expect(scores[3]).toBe(0);
  });

  it('finds "like the oak table, but walnut" as the walnut table, in either language', () => {
    for (const differences of ['walnut instead of oak', '要胡桃木的']) {
      const ranked = [walnutTable, walnutChair, sofa]
        .map((p) => ({ p, score: similarityScore(oakTable, differences, p) }))
        .sort((a, b) => b.score - a.score);
      expect(ranked[0]?.p).toBe(walnutTable);
    }
  });
});

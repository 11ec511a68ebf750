import { CHINESE_NUMERAL, dimensionName, keyUnitInCm, parseNumber } from './quantities.ts';
import { normalize, type SearchableProduct } from './product-text.ts';

/*
 * What the catalog's words mean, learnt from its data (docs/decisions/0005-similar-matching.md):
 * - a string attribute is a facet (material = walnut); `<key>_zh` gives its Chinese word;
 * - `type`, `category` or `kind` says what kind of product it is; without one the kind is
 *   the name less its facet values and numbers;
 * - a numeric attribute whose key ends in _mm/_cm/_m is a dimension, any other a count;
 * - what a count is called is read from the products' own text: "Three-seat", "5 tiers",
 *   三人, 五层, 单抽屉 next to seats 3, tiers 5, drawers 1.
 * Built once per catalog version; matching a request then only reads it.
 */

export const KIND_KEYS = ['type', 'category', 'kind'] as const;
export const KIND = 'type';

export interface FacetValue {
  key: string;
  /** Normalised English value: "dining table". */
  value: string;
  /** Chinese word for it, when the catalog gives one. */
  zh: string | null;
}

export interface IndexedProduct {
  product: SearchableProduct;
  /** String attributes by key (the kind under `type`), normalised. */
  facets: ReadonlyMap<string, string>;
  counts: ReadonlyMap<string, number>;
  /** Dimensions in centimetres by key. */
  lengths: ReadonlyMap<string, number>;
  /** Every English word of its names, descriptions and attribute values. */
  words: ReadonlySet<string>;
  nameWords: ReadonlySet<string>;
  /** Its Chinese text: names, descriptions, Chinese attribute words. */
  zh: string;
  nameZh: string;
}

export interface CatalogIndex {
  products: readonly IndexedProduct[];
  byCode: ReadonlyMap<string, IndexedProduct>;
  /** English phrases ("dining table", "walnut") → the facet values they name. */
  englishFacets: ReadonlyMap<string, readonly FacetValue[]>;
  longestEnglishFacet: number;
  /** Chinese words → what they name. */
  chineseFacets: ReadonlyMap<string, readonly FacetValue[]>;
  /** Counter words → count key: "seat" → seats, 人 → seats, 层 → tiers. */
  counters: ReadonlyMap<string, string>;
  /** Dimension keys by what they measure: length → length_cm. */
  dimensions: ReadonlyMap<string, string>;
  /** Every English word in the catalog: words that are not here match nothing. */
  englishWords: ReadonlySet<string>;
  /** Every distinct Chinese text of the catalog, joined: a Chinese word not in it matches nothing. */
  chineseText: string;
  /** Facet values by key and value, for labels. */
  facetValues: ReadonlyMap<string, ReadonlyMap<string, FacetValue>>;
}

const HAN = /\p{Script=Han}/u;
export const englishWords = (text: string): string[] =>
  normalize(text).match(/[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?/g) ?? [];
const chineseOf = (text: string) => [...text].filter((char) => HAN.test(char)).join('');

/** The kind of a product that has no kind attribute: its English name less values and numbers. */
function derivedKind(product: SearchableProduct, values: ReadonlySet<string>): FacetValue {
  const en = englishWords(product.nameEn)
    .filter((word) => !values.has(word) && parseNumber(word) === undefined)
    .join(' ');
  let zh = chineseOf(product.nameZh);
  for (const value of values) if (HAN.test(value)) zh = zh.replaceAll(value, '');
  return { key: KIND, value: en, zh: zh || null };
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Counter words next to a product's counts in its own text. */
function learnCounters(
  product: SearchableProduct,
  counts: ReadonlyMap<string, number>,
  counters: Map<string, string>,
) {
  if (counts.size === 0) return;
  const keyOf = (value: number | undefined) =>
    [...counts].find(([, count]) => count === value)?.[0];
  const words = englishWords(`${product.nameEn} ${product.descriptionEn}`);
  words.forEach((word, index) => {
    const key = keyOf(parseNumber(word));
    const next = words[index + 1];
    if (key && next && /^[a-z]+$/.test(next) && parseNumber(next) === undefined)
      counters.set(next, key);
  });
  const zh = `${product.nameZh} ${product.descriptionZh}`;
  for (const match of zh.matchAll(
    /([零〇一单二两双三四五六七八九十百]+|\d+)个?(\p{Script=Han})/gu,
  )) {
    const key = keyOf(parseNumber(match[1] ?? ''));
    const counter = match[2] ?? '';
    if (key && !CHINESE_NUMERAL.test(counter)) counters.set(counter, key);
  }
}

export function buildCatalogIndex(catalog: readonly SearchableProduct[]): CatalogIndex {
  const englishFacets = new Map<string, FacetValue[]>();
  const chineseFacets = new Map<string, FacetValue[]>();
  const facetValues = new Map<string, Map<string, FacetValue>>();
  const counters = new Map<string, string>();
  const dimensions = new Map<string, string>();
  const englishVocabulary = new Set<string>();
  const chineseTexts = new Set<string>();

  const remember = (facet: FacetValue) => {
    let values = facetValues.get(facet.key);
    if (!values) facetValues.set(facet.key, (values = new Map()));
    const known = values.get(facet.value);
    if (known) {
      if (!known.zh && facet.zh) values.set(facet.value, facet);
      return;
    }
    values.set(facet.value, facet);
  };

  const products = catalog.map((product): IndexedProduct => {
    const facets = new Map<string, string>();
    const counts = new Map<string, number>();
    const lengths = new Map<string, number>();
    const zhLabels: string[] = [];
    const attributes = product.attributes;
    for (const [rawKey, raw] of Object.entries(attributes)) {
      const key = normalize(rawKey);
      if (key.endsWith('_zh')) continue;
      if (typeof raw === 'number') {
        const unit = keyUnitInCm(key);
        if (unit === undefined) counts.set(key, raw);
        else {
          lengths.set(key, raw * unit);
          dimensions.set(dimensionName(key), key);
        }
        continue;
      }
      const value = normalize(raw);
      const facetKey = (KIND_KEYS as readonly string[]).includes(key) ? KIND : key;
      const zhRaw = attributes[`${rawKey}_zh`];
      const zh = typeof zhRaw === 'string' && zhRaw.trim() ? normalize(zhRaw) : null;
      if (zh) zhLabels.push(zh);
      facets.set(facetKey, value);
      remember({ key: facetKey, value, zh });
    }
    if (!facets.has(KIND)) {
      const kind = derivedKind(product, new Set(facets.values()));
      if (kind.value) {
        facets.set(KIND, kind.value);
        if (kind.zh) zhLabels.push(kind.zh);
        remember(kind);
      }
    }
    learnCounters(product, counts, counters);
    const nameWords = new Set(englishWords(product.nameEn));
    const words = new Set([
      ...nameWords,
      ...englishWords(product.descriptionEn),
      ...[...facets.values()].flatMap(englishWords),
    ]);
    for (const word of words) if (!/^\d/.test(word)) englishVocabulary.add(word);
    const zh = normalize(
      [product.nameZh, product.descriptionZh, ...zhLabels].map(chineseOf).join('|'),
    );
    chineseTexts.add(zh);
    return {
      product,
      facets,
      counts,
      lengths,
      words,
      nameWords,
      zh,
      nameZh: normalize(product.nameZh),
    };
  });

  for (const values of facetValues.values()) {
    for (const facet of values.values()) {
      addTo(englishFacets, facet.value, facet);
      if (facet.zh) addTo(chineseFacets, facet.zh, facet);
    }
  }
  // The count keys' own names count too: "seats 8", "2 drawers".
  for (const product of products) {
    for (const key of product.counts.keys()) {
      counters.set(key, key);
      counters.set(key.replace(/s$/, ''), key);
    }
  }

  return {
    products,
    byCode: new Map(products.map((indexed) => [indexed.product.code, indexed])),
    englishFacets,
    longestEnglishFacet: Math.max(1, ...[...englishFacets.keys()].map((p) => p.split(' ').length)),
    chineseFacets,
    counters,
    dimensions,
    englishWords: englishVocabulary,
    chineseText: [...chineseTexts].join('|'),
    facetValues,
  };
}

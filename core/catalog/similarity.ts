/*
 * How close a product is to what a customer typed. Pure, so SQLite and PostgreSQL rank the
 * candidates their indexes retrieve in exactly the same order.
 *
 * Text is compared by character bigrams and trigrams: Chinese has no spaces and its words
 * are mostly two characters long, so word matching fails where n-grams do not. The score is
 * the share of the query's n-grams found in the product ("containment"), because product
 * texts are long and queries short.
 */

export type Attributes = Readonly<Record<string, string | number>>;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function ngrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const word of normalize(text).split(/[\s,.;:!?()[\]{}"'，。；：！？（）、]+/)) {
    const chars = [...word];
    if (chars.length === 1) grams.add(word);
    for (const size of [2, 3]) {
      for (let i = 0; i + size <= chars.length; i++) grams.add(chars.slice(i, i + size).join(''));
    }
  }
  grams.delete('');
  return grams;
}

/** Share of the query's n-grams that the text contains, 0..1. */
export function containment(query: string, text: string): number {
  const wanted = ngrams(query);
  if (wanted.size === 0) return 0;
  const have = ngrams(text);
  let found = 0;
  for (const gram of wanted) if (have.has(gram)) found++;
  return found / wanted.size;
}

/** Share of `reference`'s attributes that `candidate` has with the same value, 0..1. */
export function attributeOverlap(reference: Attributes, candidate: Attributes): number {
  const keys = Object.keys(reference);
  if (keys.length === 0) return 0;
  const same = keys.filter(
    (key) => normalize(String(reference[key])) === normalize(String(candidate[key] ?? '')),
  );
  return same.length / keys.length;
}

export function attributesText(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key} ${value}`)
    .join(' ');
}

export interface SearchableProduct {
  code: string;
  nameEn: string;
  nameZh: string;
  descriptionEn: string;
  descriptionZh: string;
  attributes: Attributes;
}

export function searchableText(product: SearchableProduct): string {
  return normalize(
    [
      product.code,
      product.nameEn,
      product.nameZh,
      product.descriptionEn,
      product.descriptionZh,
      attributesText(product.attributes),
    ].join(' '),
  );
}

/** Names weigh more than descriptions: a hit in the name is what people mean. */
export function searchScore(query: string, product: SearchableProduct): number {
  const names = `${product.code} ${product.nameEn} ${product.nameZh}`;
  const byName = containment(query, names);
  const byAll = containment(query, searchableText(product));
  return round(0.6 * byName + 0.4 * byAll);
}

/**
 * Rank a candidate for "like `similar`, but `differences`": it should contain what the
 * customer asked to differ, and otherwise resemble the product they named.
 */
export function similarityScore(
  similar: SearchableProduct,
  differences: string,
  candidate: SearchableProduct,
): number {
  const wanted = containment(differences, searchableText(candidate));
  const kinship = Math.max(
    containment(`${similar.nameEn} ${similar.nameZh}`, `${candidate.nameEn} ${candidate.nameZh}`),
    attributeOverlap(similar.attributes, candidate.attributes),
  );
  return round(0.6 * wanted + 0.4 * kinship);
}

/** Below this a candidate is not offered, and an order with no candidate goes to customer service. */
export const CANDIDATE_THRESHOLD = 0.4;

const round = (value: number) => Math.round(value * 1000) / 1000;

import { KIND, type CatalogIndex, type FacetValue, type IndexedProduct } from './catalog-index.ts';
import { formatCm, sameLength } from './quantities.ts';
import type { SearchableProduct } from './product-text.ts';
import {
  searchTerms,
  understandRequest,
  type ChineseSegmenter,
  type Requirement,
  type UnderstoodRequest,
} from './understand.ts';

/*
 * Rank like a salesperson (docs/decisions/0005-similar-matching.md): only products of the
 * kind asked for (X's own unless the request names another), only those that meet every
 * requested change and refuse nothing the customer refused; among them the closest to X
 * first, X itself included. Nothing meets the request: customer service, with the closest
 * products and what each lacks. Every candidate says why, in both languages.
 */

export interface Reason {
  en: string;
  zh: string;
  met: boolean;
}

export interface RankedProduct {
  product: SearchableProduct;
  /** 0..1: share of the request met, then closeness to X. */
  score: number;
  reasons: Reason[];
}

export interface SimilarAnswer {
  request: UnderstoodRequest;
  /** Products that meet the whole request, best first; empty: customer service. */
  candidates: RankedProduct[];
  /** When nothing meets it, the closest products, for customer service. */
  closest: RankedProduct[];
}

type Verdict = 'met' | 'unmet' | 'contradicted';

const facetLabel = (facet: FacetValue): Omit<Reason, 'met'> => ({
  en: facet.value,
  zh: facet.zh ?? facet.value,
});

function counterLabel(index: CatalogIndex, key: string): string {
  for (const [word, counted] of index.counters)
    if (counted === key && /\p{Script=Han}/u.test(word)) return word;
  return ` ${key}`;
}

function dimensionKey(
  index: CatalogIndex,
  dimension: string | null,
  similar: IndexedProduct,
): string | undefined {
  if (dimension) return index.dimensions.get(dimension);
  return similar.lengths.keys().next().value;
}

interface Judged {
  verdict: Verdict;
  reason: Omit<Reason, 'met'>;
}

function judge(
  index: CatalogIndex,
  requirement: Requirement,
  product: IndexedProduct,
  similar: IndexedProduct,
): Judged {
  switch (requirement.type) {
    case 'facet': {
      const met = requirement.options.find((o) => product.facets.get(o.key) === o.value);
      const first = requirement.options[0] as FacetValue;
      const defined = requirement.options.some((o) => product.facets.has(o.key));
      return {
        verdict: met ? 'met' : defined ? 'contradicted' : 'unmet',
        reason: facetLabel(met ?? first),
      };
    }
    case 'count': {
      const has = product.counts.get(requirement.key);
      const zh = counterLabel(index, requirement.key);
      return {
        verdict: has === requirement.value ? 'met' : has === undefined ? 'unmet' : 'contradicted',
        reason: {
          en: `${requirement.value} ${requirement.key}`,
          zh: `${requirement.value}${zh.trim()}`,
        },
      };
    }
    case 'length': {
      const key = requirement.dimension ? index.dimensions.get(requirement.dimension) : undefined;
      const lengths = key
        ? [product.lengths.get(key)].filter((v) => v !== undefined)
        : [...product.lengths.values()];
      const label = formatCm(requirement.cm);
      return {
        verdict: lengths.some((cm) => sameLength(cm, requirement.cm))
          ? 'met'
          : lengths.length > 0
            ? 'contradicted'
            : 'unmet',
        reason: { en: label, zh: label.replace(' cm', ' 厘米') },
      };
    }
    case 'compare': {
      const key = dimensionKey(index, requirement.dimension, similar);
      const reference = key === undefined ? undefined : similar.lengths.get(key);
      const has = key === undefined ? undefined : product.lengths.get(key);
      const more = requirement.direction === 'more';
      const reason = {
        en: `${more ? 'over' : 'under'} ${reference === undefined ? '?' : formatCm(reference)}`,
        zh: `${more ? '大于' : '小于'} ${reference === undefined ? '?' : formatCm(reference).replace(' cm', ' 厘米')}`,
      };
      if (reference === undefined || has === undefined) return { verdict: 'unmet', reason };
      const met = more ? has > reference + 0.5 : has < reference - 0.5;
      return { verdict: met ? 'met' : 'contradicted', reason };
    }
    case 'number': {
      const values = [...product.counts.values(), ...product.lengths.values()];
      const met = values.some((value) => sameLength(value, requirement.value));
      return {
        verdict: met ? 'met' : 'unmet',
        reason: { en: `${requirement.value}`, zh: `${requirement.value}` },
      };
    }
    case 'word': {
      const met =
        requirement.lang === 'en'
          ? product.words.has(requirement.word)
          : product.zh.includes(requirement.word);
      return {
        verdict: met ? 'met' : 'unmet',
        reason: { en: requirement.word, zh: requirement.word },
      };
    }
    case 'unknown':
      return { verdict: 'unmet', reason: { en: requirement.word, zh: requirement.word } };
  }
}

/** Share of X's other attributes the product has alike, 0..1 (numbers by ratio). */
function closeness(
  product: IndexedProduct,
  similar: IndexedProduct,
  asked: ReadonlySet<string>,
): number {
  let total = 0;
  let alike = 0;
  const compare = <T>(
    mine: ReadonlyMap<string, T>,
    theirs: ReadonlyMap<string, T>,
    score: (a: T, b: T) => number,
  ) => {
    for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
      if (asked.has(key)) continue;
      total++;
      const a = mine.get(key);
      const b = theirs.get(key);
      if (a !== undefined && b !== undefined) alike += score(a, b);
    }
  };
  compare(similar.facets, product.facets, (a, b) => (a === b ? 1 : 0));
  const ratio = (a: number, b: number) => (a === b ? 1 : Math.min(a, b) / Math.max(a, b) || 0);
  compare(similar.counts, product.counts, ratio);
  compare(similar.lengths, product.lengths, ratio);
  return total === 0 ? 1 : alike / total;
}

function askedKeys(
  index: CatalogIndex,
  request: UnderstoodRequest,
  similar: IndexedProduct,
): Set<string> {
  const keys = new Set<string>();
  for (const r of request.wanted) {
    if (r.type === 'facet') for (const o of r.options) keys.add(o.key);
    if (r.type === 'count') keys.add(r.key);
    if (r.type === 'length' || r.type === 'compare') {
      const key = dimensionKey(index, r.dimension, similar);
      if (key) keys.add(key);
    }
  }
  for (const facet of request.refused) keys.add(facet.key);
  return keys;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Candidates for "like `similar`, but `differences`". `limit` bounds both lists.
 */
export function matchSimilar(
  index: CatalogIndex,
  similarCode: string,
  differences: string,
  options: {
    limit?: number;
    segmenter?: ChineseSegmenter;
    /** Codes never offered (retired products), though X itself may be one. */
    notOffered?: ReadonlySet<string>;
  } = {},
): SimilarAnswer {
  const limit = options.limit ?? 5;
  const similar = index.byCode.get(similarCode);
  if (!similar) throw new Error(`Product ${similarCode} is not in the catalog index.`);
  const request = understandRequest(index, differences, options.segmenter);
  const namesKind = request.wanted.some(
    (r) => r.type === 'facet' && r.options.some((o) => o.key === KIND),
  );
  const kind = similar.facets.get(KIND);
  const requirements: Requirement[] = [...request.wanted];
  if (!namesKind && kind !== undefined) {
    const facet = index.facetValues.get(KIND)?.get(kind);
    if (facet) requirements.unshift({ type: 'facet', options: [facet] });
  }
  const refused = request.refused.filter(
    (facet) => !request.wanted.some((r) => r.type === 'facet' && r.options.includes(facet)),
  );
  const asked = askedKeys(index, request, similar);

  // Products of the kind asked for: X's, or the one the request names ("as a coffee table").
  const kinds = new Set(
    namesKind
      ? request.wanted.flatMap((r) =>
          r.type === 'facet' ? r.options.filter((o) => o.key === KIND).map((o) => o.value) : [],
        )
      : kind === undefined
        ? []
        : [kind],
  );
  const offered = options.notOffered
    ? index.products.filter((p) => !options.notOffered?.has(p.product.code))
    : index.products;
  const ofKind = offered.filter((p) => kinds.has(p.facets.get(KIND) ?? ''));
  const pool = ofKind.length > 0 ? ofKind : offered;

  const ranked: (RankedProduct & { met: number; contradicted: number; sameKind: boolean })[] = [];
  for (const product of pool) {
    const sameKind = kind === undefined || product.facets.get(KIND) === kind;
    let met = 0;
    let contradicted = 0;
    const reasons: Reason[] = [];
    for (const requirement of requirements) {
      const { verdict, reason } = judge(index, requirement, product, similar);
      if (verdict === 'met') met++;
      if (verdict === 'contradicted') contradicted++;
      reasons.push({ ...reason, met: verdict === 'met' });
    }
    for (const facet of refused) {
      const has = product.facets.get(facet.key) === facet.value;
      if (has) contradicted++;
      else met++;
      reasons.push({ en: `not ${facet.value}`, zh: `不要${facet.zh ?? facet.value}`, met: !has });
    }
    const total = requirements.length + refused.length;
    const near = closeness(product, similar, asked);
    const share = total === 0 ? 1 : met / total;
    ranked.push({
      product: product.product,
      score: round(0.7 * share + 0.3 * near),
      reasons,
      met,
      contradicted,
      sameKind,
    });
  }
  const total = requirements.length + refused.length;
  const byScore = (a: (typeof ranked)[number], b: (typeof ranked)[number]) =>
    b.score - a.score || a.product.code.localeCompare(b.product.code);
  const strip = ({ product, score, reasons }: RankedProduct): RankedProduct => ({
    product,
    score,
    reasons,
  });
  const candidates = ranked
    .filter((r) => r.met === total)
    .sort(byScore)
    .slice(0, limit)
    .map(strip);
  if (candidates.length > 0) return { request, candidates, closest: [] };
  const closest = ranked
    .sort(
      (a, b) =>
        Number(b.sameKind) - Number(a.sameKind) || a.contradicted - b.contradicted || byScore(a, b),
    )
    .slice(0, limit)
    .map(strip);
  return { request, candidates: [], closest };
}

/** Catalog search with the same reading: products ranked by the share of the query they meet. */
export function searchCatalog(
  index: CatalogIndex,
  query: string,
  limit: number,
  segmenter?: ChineseSegmenter,
): { product: SearchableProduct; score: number }[] {
  const terms = searchTerms(index, query, segmenter);
  if (terms.length === 0) return [];
  const hits: { product: SearchableProduct; score: number }[] = [];
  for (const product of index.products) {
    let score = 0;
    for (const term of terms) {
      if (judge(index, term, product, product).verdict !== 'met') continue;
      // A word in the name is what people mean; in the description it counts less.
      const inName =
        term.type !== 'word' ||
        (term.lang === 'en'
          ? product.nameWords.has(term.word)
          : product.nameZh.includes(term.word));
      score += inName ? 1 : 0.6;
    }
    if (score > 0) hits.push({ product: product.product, score: round(score / terms.length) });
  }
  return hits
    .sort((a, b) => b.score - a.score || a.product.code.localeCompare(b.product.code))
    .slice(0, limit);
}

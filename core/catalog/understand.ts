import type { CatalogIndex, FacetValue } from './catalog-index.ts';
import {
  BUT,
  CHINESE_CHANGE_TO,
  CHINESE_FUNCTION_WORDS,
  CHINESE_NEGATIONS,
  COMPARATIVES,
  DIMENSION_WORDS,
  ENGLISH_FUNCTION_WORDS,
  ENGLISH_INSTEAD_OF,
  ENGLISH_NEGATIONS,
  type Direction,
} from './language.ts';
import { CHINESE_NUMERAL, LENGTH_UNITS, parseNumber } from './quantities.ts';
import { normalize } from './product-text.ts';

/*
 * A request's differences read as changes to attributes: "walnut and 120 cm" becomes
 * material = walnut, a dimension of 120 cm; "oak instead of walnut" refuses walnut;
 * words the catalog does not know are kept, because nothing in the catalog can meet them.
 */

export type Requirement =
  /** Any one of these facet values: "leather" is a sofa's material and a chair's seat. */
  | { type: 'facet'; options: readonly FacetValue[] }
  | { type: 'count'; key: string; value: number }
  /** A length in cm; `dimension` null when the request did not say which. */
  | { type: 'length'; dimension: string | null; cm: number }
  /** Bigger or smaller than X in a dimension (null: X's first one). */
  | { type: 'compare'; dimension: string | null; direction: Direction }
  /** A bare number: some count or dimension of the product has it. */
  | { type: 'number'; value: number }
  /** A word of the catalog's text that is no attribute: the product's text must have it. */
  | { type: 'word'; word: string; lang: 'en' | 'zh' }
  /** A word the catalog does not have anywhere: nothing meets it. */
  | { type: 'unknown'; word: string };

export interface UnderstoodRequest {
  wanted: Requirement[];
  /** Facet values refused ("not walnut", 不要胡桃木). */
  refused: FacetValue[];
}

/** A segmenter for Chinese runs (jieba, say); without one the catalog's vocabulary is used. */
export type ChineseSegmenter = (run: string) => string[];

type Token =
  | { t: 'number'; value: number; digits: boolean }
  | { t: 'unit'; cm: number }
  | { t: 'counter'; key: string }
  | { t: 'dimension'; name: string }
  | { t: 'facet'; options: readonly FacetValue[] }
  | { t: 'compare'; direction: Direction; dimension: string | null }
  | { t: 'negate' }
  | { t: 'insteadOf' }
  | { t: 'changeTo' }
  | { t: 'word'; word: string; lang: 'en' | 'zh' }
  | { t: 'unknown'; word: string }
  | { t: 'skip' };

/** Edit distance with transpositions, stopping early past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        (rows[0] as number[])[j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = best;
    }
    if (Math.min(...(rows[i] as number[])) > limit) return limit + 1;
  }
  return (rows[a.length] as number[])[b.length] ?? limit + 1;
}

/** A misspelt word ("wallnut", "lether") read as the catalog word it is one edit from. */
function correct(word: string, index: CatalogIndex): string | undefined {
  if (word.length < 4) return undefined;
  const limit = word.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const known of index.englishWords) {
    const distance = editDistance(word, known, limit);
    if (distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return best;
}

function englishTokens(words: string[], index: CatalogIndex): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < words.length;) {
    const phrase = ENGLISH_INSTEAD_OF.find((p) => p.every((w, k) => words[i + k] === w));
    if (phrase) {
      tokens.push({ t: 'insteadOf' });
      i += phrase.length;
      continue;
    }
    let matched = false;
    for (let size = Math.min(index.longestEnglishFacet, words.length - i); size >= 1; size--) {
      const options = index.englishFacets.get(words.slice(i, i + size).join(' '));
      if (options) {
        tokens.push({ t: 'facet', options });
        i += size;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    tokens.push(englishWord(words[i] as string, index));
    i++;
  }
  return tokens;
}

function englishWord(word: string, index: CatalogIndex, corrected = false): Token {
  const number = parseNumber(word);
  if (number !== undefined) return { t: 'number', value: number, digits: /^\d/.test(word) };
  const cm = LENGTH_UNITS[word];
  if (cm !== undefined) return { t: 'unit', cm };
  if (ENGLISH_NEGATIONS.has(word)) return { t: 'negate' };
  const comparative = COMPARATIVES[word];
  if (comparative)
    return { t: 'compare', ...comparative, dimension: comparative.dimension ?? null };
  const dimension = DIMENSION_WORDS[word];
  if (dimension) return { t: 'dimension', name: dimension };
  const counter = counterKey(word, index);
  if (counter) return { t: 'counter', key: counter };
  if (ENGLISH_FUNCTION_WORDS.has(word)) return { t: 'skip' };
  const facet = index.englishFacets.get(word);
  if (facet) return { t: 'facet', options: facet };
  if (index.englishWords.has(word)) return { t: 'word', word, lang: 'en' };
  const fixed = corrected ? undefined : correct(word, index);
  return fixed ? englishWord(fixed, index, true) : { t: 'unknown', word };
}

/** "seat", "seats", "seater" → seats. */
function counterKey(word: string, index: CatalogIndex): string | undefined {
  for (const stem of [word, word.replace(/s$/, ''), word.replace(/ers?$/, '')]) {
    const key = index.counters.get(stem);
    if (key) return key;
  }
  return undefined;
}

const CHINESE_LEXICON_LIMIT = 6;

function chineseToken(word: string, index: CatalogIndex): Token | undefined {
  const facet = index.chineseFacets.get(word);
  if (facet) return { t: 'facet', options: facet };
  if (CHINESE_NEGATIONS.has(word)) return { t: 'negate' };
  if (CHINESE_CHANGE_TO.has(word)) return { t: 'changeTo' };
  const comparative = COMPARATIVES[word];
  if (comparative)
    return { t: 'compare', ...comparative, dimension: comparative.dimension ?? null };
  const cm = LENGTH_UNITS[word];
  if (cm !== undefined) return { t: 'unit', cm };
  const dimension = DIMENSION_WORDS[word];
  if (dimension) return { t: 'dimension', name: dimension };
  const counter = index.counters.get(word);
  if (counter) return { t: 'counter', key: counter };
  if (CHINESE_FUNCTION_WORDS.has(word)) return { t: 'skip' };
  if (CHINESE_NUMERAL.test(word)) {
    const value = parseNumber(word);
    if (value !== undefined) return { t: 'number', value, digits: false };
  }
  return undefined;
}

/** Characters no word claimed: the longest pieces the catalog's Chinese text has, or unknown. */
function leftoverTokens(run: string, index: CatalogIndex): Token[] {
  const tokens: Token[] = [];
  const chars = [...run];
  for (let i = 0; i < chars.length;) {
    let size = chars.length - i;
    while (size > 1 && !index.chineseText.includes(chars.slice(i, i + size).join(''))) size--;
    const piece = chars.slice(i, i + size).join('');
    tokens.push(
      index.chineseText.includes(piece)
        ? { t: 'word', word: piece, lang: 'zh' }
        : { t: 'unknown', word: piece },
    );
    i += size;
  }
  // Neighbouring unknown characters are one unknown word: 飞毯, not 飞 and 毯.
  return tokens.reduce<Token[]>((merged, token) => {
    const last = merged.at(-1);
    if (token.t === 'unknown' && last?.t === 'unknown') last.word += token.word;
    else merged.push(token);
    return merged;
  }, []);
}

/** Forward maximum matching over the language's and the catalog's Chinese words. */
function chineseTokens(run: string, index: CatalogIndex, segmenter?: ChineseSegmenter): Token[] {
  if (segmenter) {
    return segmenter(run).flatMap((word) => {
      const token = chineseToken(word, index);
      return token ? [token] : chineseTokens(word, index);
    });
  }
  const chars = [...run];
  const tokens: Token[] = [];
  let leftover = '';
  const flush = () => {
    if (leftover) tokens.push(...leftoverTokens(leftover, index));
    leftover = '';
  };
  for (let i = 0; i < chars.length;) {
    let matched: { token: Token; size: number } | undefined;
    for (let size = Math.min(CHINESE_LEXICON_LIMIT, chars.length - i); size >= 1; size--) {
      const token = chineseToken(chars.slice(i, i + size).join(''), index);
      if (token) {
        matched = { token, size };
        break;
      }
    }
    if (matched) {
      flush();
      tokens.push(matched.token);
      i += matched.size;
    } else {
      leftover += chars[i];
      i++;
    }
  }
  flush();
  return tokens;
}

function tokenize(text: string, index: CatalogIndex, segmenter?: ChineseSegmenter): Token[][] {
  return text
    .split(/[,，;；。、!！?？\n]+/u)
    .map((clause) => {
      const tokens: Token[] = [];
      let english: string[] = [];
      const flushEnglish = () => {
        tokens.push(...englishTokens(english, index));
        english = [];
      };
      for (const match of clause.matchAll(
        /(\d+(?:\.\d+)?)|([a-z]+(?:'[a-z]+)?)|(\p{Script=Han}+)/gu,
      )) {
        if (match[3]) {
          flushEnglish();
          tokens.push(...chineseTokens(match[3], index, segmenter));
        } else english.push(match[0]);
      }
      flushEnglish();
      return tokens.filter((token) => token.t !== 'skip');
    })
    .filter((clause) => clause.length > 0);
}

/** Read the tokens of one clause into requirements and refusals. */
function readClause(tokens: Token[], request: UnderstoodRequest, keepSingleCharacters = false) {
  let refusing = false;
  const changeAt = tokens.findIndex((token) => token.t === 'changeTo');
  tokens.forEach((token, i) => {
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    switch (token.t) {
      case 'negate':
      case 'insteadOf':
        refusing = true;
        return;
      case 'changeTo':
        refusing = false;
        return;
      case 'facet':
        if (refusing || (changeAt > i && tokens.some((t, k) => k > changeAt && t.t === 'facet')))
          request.refused.push(...token.options);
        else request.wanted.push({ type: 'facet', options: token.options });
        return;
      case 'number': {
        const unit = after?.t === 'unit' ? after : undefined;
        if (unit) {
          const named = [tokens[i - 1], tokens[i + 2]].find((t) => t?.t === 'dimension');
          request.wanted.push({
            type: 'length',
            dimension: named?.t === 'dimension' ? named.name : null,
            cm: token.value * unit.cm,
          });
          return;
        }
        const counter = [after, before].find((t) => t?.t === 'counter');
        if (counter?.t === 'counter') {
          request.wanted.push({ type: 'count', key: counter.key, value: token.value });
          return;
        }
        if (token.digits) request.wanted.push({ type: 'number', value: token.value });
        return;
      }
      case 'compare':
        request.wanted.push({
          type: 'compare',
          dimension: token.dimension,
          direction: token.direction,
        });
        return;
      case 'word':
        // A lone Chinese character left over is a suffix or measure word (座 of 八人座, 子 of
        // 椅子) far more often than a requirement; searches keep it (searchTerms).
        if (!refusing && (keepSingleCharacters || token.lang === 'en' || token.word.length > 1))
          request.wanted.push({ type: 'word', word: token.word, lang: token.lang });
        return;
      case 'unknown':
        if (!refusing) request.wanted.push({ type: 'unknown', word: token.word });
        return;
      default:
        return;
    }
  });
}

/** The differences of "similar to X, but …" as requirements on the products offered. */
export function understandRequest(
  index: CatalogIndex,
  differences: string,
  segmenter?: ChineseSegmenter,
): UnderstoodRequest {
  const text = normalize(differences);
  const but = BUT.exec(text);
  const change = but ? text.slice(but.index + but[0].length) : text;
  const request: UnderstoodRequest = { wanted: [], refused: [] };
  for (const clause of tokenize(change, index, segmenter)) readClause(clause, request);
  return request;
}

/** Every word of a search, each a requirement: facets, sizes, counts, words, unknown words. */
export function searchTerms(
  index: CatalogIndex,
  query: string,
  segmenter?: ChineseSegmenter,
): Requirement[] {
  const request: UnderstoodRequest = { wanted: [], refused: [] };
  for (const clause of tokenize(normalize(query), index, segmenter))
    readClause(clause, request, true);
  return request.wanted;
}

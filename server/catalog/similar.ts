import type { SimilarAnswer } from '#core/api/catalog.ts';
import { parseCode, withArticle } from '#core/codes/formats.ts';
import { matchSimilar, searchCatalog, type RankedProduct } from '#core/catalog/match.ts';
import type { ServerContext } from '../context.ts';
import { AppError, invalid } from '../errors.ts';
import { getProduct } from './catalog.ts';
import { catalogIndex } from './catalog-index.ts';

const MAX_CANDIDATES = 5;
const MAX_NAMED = 5;

const candidate = ({ product, score, reasons }: RankedProduct) => ({
  product: product.code,
  nameEn: product.nameEn,
  nameZh: product.nameZh,
  score,
  reasons,
});

/** Looks like an Ordertrace code (two capitals, then digits and capitals), right or wrong. */
const CODE_LIKE = /^[A-Z]{2}[0-9A-Z]{4,}$/;

/**
 * X of "similar to X": a product code, or words that name exactly one product. The error
 * says which was understood: a wrong code, words that name nothing, or words that name
 * several (listed, to choose from). `path` is where the value was in the request.
 */
export async function resolveSimilar(context: ServerContext, similarTo: string, path: string) {
  const text = similarTo.trim();
  if (CODE_LIKE.test(text)) {
    const parsed = parseCode(text);
    if (!parsed.valid) throw invalid(`${text} is not a valid product code: ${parsed.error}`, path);
    if (parsed.kind !== 'product')
      throw invalid(
        `${text} is ${withArticle(parsed.kind)} code; a product code (PD…) or words naming the product are expected.`,
        path,
      );
    return getProduct(context.storage.db, text).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'OT_ERR_NOT_FOUND'
        ? invalid(`Product ${text} is not in the catalog.`, path)
        : error;
    });
  }
  const hits = searchCatalog((await catalogIndex(context)).index, text, MAX_NAMED + 1);
  const [best, second] = hits;
  if (!best || best.score < 0.5)
    throw invalid(
      `“${text}” is not a product code and names no product in the catalog; give the product code (PD…) or words from its name.`,
      path,
    );
  if (second && second.score >= best.score) {
    const named = hits
      .filter((hit) => hit.score >= best.score)
      .slice(0, MAX_NAMED)
      .map((hit) => `${hit.product.code} ${hit.product.nameEn} (${hit.product.nameZh})`);
    throw invalid(
      `“${text}” names several products: ${named.join('; ')}. Give the product code, or more of its name.`,
      path,
    );
  }
  return getProduct(context.storage.db, best.product.code);
}

/** The candidates for "like `similarTo`, but `differences`", with their reasons; nothing is stored. */
export async function findCandidates(
  context: ServerContext,
  similarTo: string,
  differences: string,
  path = 'similarTo',
) {
  const similar = await resolveSimilar(context, similarTo, path);
  const { index, retired } = await catalogIndex(context);
  const answer = matchSimilar(index, similar.code, differences, {
    limit: MAX_CANDIDATES,
    notOffered: retired,
  });
  return {
    similar,
    candidates: answer.candidates.map(candidate),
    closest: answer.closest.map(candidate),
  };
}

export async function similarAnswer(
  context: ServerContext,
  similarTo: string,
  differences: string,
): Promise<SimilarAnswer> {
  const { similar, candidates, closest } = await findCandidates(context, similarTo, differences);
  return {
    similar: { code: similar.code, nameEn: similar.nameEn, nameZh: similar.nameZh },
    candidates,
    closest,
  };
}

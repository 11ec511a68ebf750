import { CANDIDATE_THRESHOLD, similarityScore } from '#core/catalog/similarity.ts';
import type { ServerContext } from '../context.ts';
import { getProduct, searchProducts } from './catalog.ts';

const MAX_CANDIDATES = 5;

/** The candidates for "like product `similarTo`, but `differences`" (baseline: n-gram likeness). */
export async function findCandidates(
  context: ServerContext,
  similarTo: string,
  differences: string,
) {
  const similar = await getProduct(context.storage.db, similarTo);
  const hits = await searchProducts(
    context,
    `${differences} ${similar.nameEn} ${similar.nameZh}`,
    50,
    (candidate) => similarityScore(similar, differences, candidate),
  );
  const candidates = hits
    .filter((hit) => hit.product.code !== similar.code && hit.score >= CANDIDATE_THRESHOLD)
    .slice(0, MAX_CANDIDATES)
    .map((hit) => ({
      product: hit.product.code,
      nameEn: hit.product.nameEn,
      nameZh: hit.product.nameZh,
      score: hit.score,
    }));
  return { similar, candidates };
}

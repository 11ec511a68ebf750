import { buildCatalogIndex, type CatalogIndex } from '#core/catalog/catalog-index.ts';
import type { Attributes } from '#core/catalog/product-text.ts';
import type { ServerContext } from '../context.ts';
import type { Storage } from '../storage/open-storage.ts';

/*
 * The catalog's vocabulary and products in memory, the same on SQLite and PostgreSQL
 * (docs/decisions/0005-similar-matching.md). Products are only ever added, so the number
 * of products and the newest creation time say whether the index is current; one small
 * query per request checks it, and a new product rebuilds it.
 */
const indexes = new WeakMap<Storage, { version: string; index: CatalogIndex }>();

export async function catalogIndex(context: ServerContext): Promise<CatalogIndex> {
  const { db } = context.storage;
  const stamp = await db
    .selectFrom('products')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('created_at').as('newest')])
    .executeTakeFirstOrThrow();
  const version = `${Number(stamp.count)}@${stamp.newest ?? ''}`;
  const cached = indexes.get(context.storage);
  if (cached?.version === version) return cached.index;
  const rows = await db
    .selectFrom('products')
    .select(['code', 'name_en', 'name_zh', 'description_en', 'description_zh', 'attributes'])
    .orderBy('code')
    .execute();
  const index = buildCatalogIndex(
    rows.map((row) => ({
      code: row.code,
      nameEn: row.name_en,
      nameZh: row.name_zh,
      descriptionEn: row.description_en,
      descriptionZh: row.description_zh,
      attributes: JSON.parse(row.attributes) as Attributes,
    })),
  );
  indexes.set(context.storage, { version, index });
  return index;
}

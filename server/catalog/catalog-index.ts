import { buildCatalogIndex, type CatalogIndex } from '#core/catalog/catalog-index.ts';
import type { Attributes } from '#core/catalog/product-text.ts';
import type { ServerContext } from '../context.ts';
import type { Storage } from '../storage/open-storage.ts';

/*
 * The catalog's vocabulary and products in memory, the same on SQLite and PostgreSQL
 * (docs/decisions/0005-similar-matching.md). Products are never deleted, and every write
 * to one (created, edited, retired) sets its updated_at, so the number of products and the
 * latest change say whether the index is current; one small query per request checks it,
 * and a change rebuilds it. Retired products stay in the index (an old order or a
 * "similar to" may name one) and are listed apart, so nothing offers them.
 */
export interface CatalogState {
  index: CatalogIndex;
  /** Codes of retired products: no longer sold, never offered. */
  retired: ReadonlySet<string>;
}

/** What the catalog reads of a product row: its names, descriptions, attributes, retirement. */
export const PRODUCT_COLUMNS = [
  'id',
  'code',
  'name_en',
  'name_zh',
  'description_en',
  'description_zh',
  'attributes',
  'retired_at',
] as const;

const indexes = new WeakMap<Storage, { version: string; state: CatalogState }>();

export async function catalogIndex(context: ServerContext): Promise<CatalogState> {
  const { db } = context.storage;
  const stamp = await db
    .selectFrom('products')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updated_at').as('latest')])
    .executeTakeFirstOrThrow();
  const version = `${Number(stamp.count)}@${stamp.latest ?? ''}`;
  const cached = indexes.get(context.storage);
  if (cached?.version === version) return cached.state;
  const rows = await db.selectFrom('products').select(PRODUCT_COLUMNS).orderBy('code').execute();
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
  const retired = new Set(rows.filter((row) => row.retired_at).map((row) => row.code));
  const state = { index, retired };
  indexes.set(context.storage, { version, state });
  return state;
}

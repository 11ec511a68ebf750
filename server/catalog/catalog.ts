import { randomUUID } from 'node:crypto';
import {
  productInputSchema,
  type Product,
  type ProductInput,
  type SearchHit,
  type ProductSort,
} from '#core/api/catalog.ts';
import { mintProductCode } from '#core/codes/formats.ts';
import { searchCatalog } from '#core/catalog/match.ts';
import { searchableText } from '#core/catalog/product-text.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { ProductsTable } from '../storage/schema.ts';
import { audit } from '../auth/audit.ts';
import type { AnswerHook } from '../idempotency/idempotency-keys.ts';
import { catalogIndex } from './catalog-index.ts';
import { memoryPage, type Sorts } from '../storage/paging.ts';
import type { PageQuery } from '#core/api/paging.ts';

/** Create a product with a new unique product code, in the caller's transaction. */
export async function insertProduct(
  db: Db,
  kind: StorageKind,
  now: Date,
  caller: Caller,
  raw: ProductInput,
): Promise<Product> {
  const input = productInputSchema.parse(raw);
  let code = mintProductCode();
  // 2^30 codes: a collision is rare, but a duplicate must never be issued.
  while (await db.selectFrom('products').select('id').where('code', '=', code).executeTakeFirst()) {
    code = mintProductCode();
  }
  const product: Product = { code, ...input };
  const id = randomUUID();
  const text = searchableText(product);
  await db
    .insertInto('products')
    .values({
      id,
      code,
      name_en: input.nameEn,
      name_zh: input.nameZh,
      description_en: input.descriptionEn,
      description_zh: input.descriptionZh,
      attributes: JSON.stringify(input.attributes),
      search_text: text,
      created_at: now.toISOString(),
      created_by: caller.kind === 'user' ? caller.id : null,
    })
    .execute();
  if (kind === 'sqlite')
    await db
      .insertInto('product_search' as never)
      .values({ product_id: id, text } as never)
      .execute();
  if (input.bom.length > 0) {
    await db
      .insertInto('bom_items')
      .values(
        input.bom.map((item, index) => ({
          id: randomUUID(),
          product_id: id,
          position: index + 1,
          resource_type: item.resourceType,
          material_name: item.materialName,
          quantity_per_unit: item.quantityPerUnit,
          step: item.step,
        })),
      )
      .execute();
  }
  await audit(db, now, caller, 'product.created', 'product', code, {
    nameEn: input.nameEn,
    nameZh: input.nameZh,
  });
  return product;
}

export async function createProduct(
  context: ServerContext,
  caller: Caller,
  input: ProductInput,
  /** Stores the answer with the product (Idempotency-Key). */
  answered?: AnswerHook<Product>,
): Promise<Product> {
  const { storage } = context;
  return storage.db.transaction().execute(async (trx) => {
    const product = await insertProduct(trx, storage.kind, context.now(), caller, input);
    await answered?.(trx, product);
    return product;
  });
}

type ProductRow = Pick<
  ProductsTable,
  'id' | 'code' | 'name_en' | 'name_zh' | 'description_en' | 'description_zh' | 'attributes'
>;

async function toProducts(db: Db, rows: ProductRow[]): Promise<Product[]> {
  if (rows.length === 0) return [];
  const bom = await db
    .selectFrom('bom_items')
    .selectAll()
    .where(
      'product_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    code: row.code,
    nameEn: row.name_en,
    nameZh: row.name_zh,
    descriptionEn: row.description_en,
    descriptionZh: row.description_zh,
    attributes: JSON.parse(row.attributes) as Product['attributes'],
    bom: bom
      .filter((item) => item.product_id === row.id)
      .map((item) => ({
        resourceType: item.resource_type,
        materialName: item.material_name,
        quantityPerUnit: item.quantity_per_unit,
        step: item.step,
      })),
  }));
}

const PRODUCT_COLUMNS = [
  'id',
  'code',
  'name_en',
  'name_zh',
  'description_en',
  'description_zh',
  'attributes',
] as const;

export async function getProduct(db: Db, code: string): Promise<Product & { id: string }> {
  const row = await db
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw notFound(`Product ${code}`);
  const [product] = await toProducts(db, [row]);
  return { ...(product as Product), id: row.id };
}

type RankedProduct = { code: string; nameEn: string; score: number };

const productSorts: Sorts<RankedProduct, ProductSort> = {
  relevance: [
    { column: 'score', direction: 'desc', value: (hit) => hit.score },
    { column: 'code', direction: 'asc', value: (hit) => hit.code },
  ],
  code: [{ column: 'code', direction: 'asc', value: (hit) => hit.code }],
  name: [
    { column: 'nameEn', direction: 'asc', value: (hit) => hit.nameEn },
    { column: 'code', direction: 'asc', value: (hit) => hit.code },
  ],
};

/**
 * The catalog one page at a time: with words (q) ranked by the share of them a product
 * meets, without them every product. Ranking lives in the in-memory catalog index, so
 * the page is cut there (the same cursor on SQLite and PostgreSQL) and only its products
 * are read from storage.
 */
export async function pageProducts(
  context: ServerContext,
  q: string,
  page: PageQuery<ProductSort>,
): Promise<{ hits: SearchHit[]; nextCursor: string | null }> {
  const index = await catalogIndex(context);
  const ranked: RankedProduct[] = (
    q
      ? searchCatalog(index, q, index.products.length)
      : index.products.map((entry) => ({ product: entry.product, score: 1 }))
  ).map((hit) => ({ code: hit.product.code, nameEn: hit.product.nameEn, score: hit.score }));
  const { rows, nextCursor } = memoryPage(ranked, productSorts, page);
  return { hits: await withProducts(context.storage.db, rows), nextCursor };
}

async function withProducts(db: Db, hits: { code: string; score: number }[]): Promise<SearchHit[]> {
  if (hits.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .where(
      'code',
      'in',
      hits.map((hit) => hit.code),
    )
    .execute();
  const products = new Map((await toProducts(db, rows)).map((p) => [p.code, p]));
  return hits.flatMap((hit) => {
    const product = products.get(hit.code);
    return product ? [{ product, score: hit.score }] : [];
  });
}

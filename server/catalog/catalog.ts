import { randomUUID } from 'node:crypto';
import {
  productInputSchema,
  type BomItem,
  type Product,
  type ProductInput,
  type ProductPatch,
  type SearchHit,
  type ProductSort,
  type PRODUCT_STATUSES,
} from '#core/api/catalog.ts';
import { mintProductCode } from '#core/codes/formats.ts';
import { searchCatalog } from '#core/catalog/match.ts';
import { searchableText } from '#core/catalog/product-text.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { conflict, notFound, said } from '../errors.ts';
import type { MessageParams } from '#core/api/messages.ts';
import type { StorageKind } from '../storage/open-storage.ts';
import type { ProductsTable } from '../storage/schema.ts';
import { audit } from '../auth/audit.ts';
import type { AnswerHook } from '../idempotency/idempotency-keys.ts';
import { catalogIndex, PRODUCT_COLUMNS } from './catalog-index.ts';
import { memoryPage, withinTime, type Sorts } from '../storage/paging.ts';
import type { PageQuery, TimeRange } from '#core/api/paging.ts';

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
  const product: Product = { code, ...input, retiredAt: null, bomFixed: false };
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
      updated_at: now.toISOString(),
      retired_at: null,
    })
    .execute();
  if (kind === 'sqlite')
    await db
      .insertInto('product_search' as never)
      .values({ product_id: id, text } as never)
      .execute();
  await insertBom(db, id, input.bom);
  await audit(db, now, caller, 'product.created', 'product', code, {
    nameEn: input.nameEn,
    nameZh: input.nameZh,
  });
  return product;
}

async function insertBom(db: Db, productId: string, bom: readonly BomItem[]): Promise<void> {
  if (bom.length === 0) return;
  await db
    .insertInto('bom_items')
    .values(
      bom.map((item, index) => ({
        id: randomUUID(),
        product_id: productId,
        position: index + 1,
        resource_type: item.resourceType,
        resource_type_zh: item.resourceTypeZh,
        material_name: item.materialName,
        material_name_zh: item.materialNameZh,
        quantity_per_unit: item.quantityPerUnit,
        step: item.step,
        step_zh: item.stepZh,
      })),
    )
    .execute();
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
  | 'id'
  | 'code'
  | 'name_en'
  | 'name_zh'
  | 'description_en'
  | 'description_zh'
  | 'attributes'
  | 'retired_at'
>;

/** The lines of released orders (a line was chosen) that hold any of these products. */
function releasedOrderLines(db: Db, productIds: readonly string[]) {
  return db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .where('order_lines.product_id', 'in', productIds)
    .where('orders.line_id', 'is not', null);
}

async function toProducts(db: Db, rows: ProductRow[]): Promise<Product[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const bom = await db
    .selectFrom('bom_items')
    .selectAll()
    .where('product_id', 'in', ids)
    .orderBy('position')
    .execute();
  const released = new Set(
    (await releasedOrderLines(db, ids).select('order_lines.product_id').distinct().execute()).map(
      (line) => line.product_id,
    ),
  );
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
        resourceTypeZh: item.resource_type_zh,
        materialName: item.material_name,
        materialNameZh: item.material_name_zh,
        quantityPerUnit: item.quantity_per_unit,
        step: item.step,
        stepZh: item.step_zh,
      })),
    retiredAt: row.retired_at,
    bomFixed: released.has(row.id),
  }));
}

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
  status: ProductStatus,
  page: PageQuery<ProductSort>,
  range: TimeRange = {},
): Promise<{ hits: SearchHit[]; nextCursor: string | null }> {
  const { index, retired } = await catalogIndex(context);
  // The time range narrows in SQL (both engines compare the same UTC text); ranking stays in memory.
  const changed =
    range.from || range.to
      ? new Set(
          (
            await withinTime(
              context.storage.db.selectFrom('products').select('code'),
              'products.updated_at',
              range,
            ).execute()
          ).map((row) => row.code),
        )
      : null;
  const shown = (code: string) =>
    (status === 'all' || (status === 'retired') === retired.has(code)) &&
    (changed === null || changed.has(code));
  const ranked: RankedProduct[] = (
    q
      ? searchCatalog(index, q, index.products.length)
      : index.products.map((entry) => ({ product: entry.product, score: 1 }))
  )
    .filter((hit) => shown(hit.product.code))
    .map((hit) => ({ code: hit.product.code, nameEn: hit.product.nameEn, score: hit.score }));
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

type ProductStatus = (typeof PRODUCT_STATUSES)[number];

const sameBom = (a: readonly BomItem[], b: readonly BomItem[]) =>
  a.length === b.length &&
  a.every(
    (item, i) =>
      item.resourceType === b[i]?.resourceType &&
      item.materialName === b[i]?.materialName &&
      item.quantityPerUnit === b[i]?.quantityPerUnit &&
      item.step === b[i]?.step,
  );

/**
 * Edit a product, retire it or sell it again. Names, descriptions and attributes change
 * freely (orders show the product as it is now). The bill of materials is what a release
 * turns into labelled resources and what stations check scans against, so it is fixed once
 * an order with the product was released: changing it then is refused (409) and a copy of
 * the product is the way to a new bill of materials.
 */
export async function updateProduct(
  context: ServerContext,
  caller: Caller,
  code: string,
  patch: ProductPatch,
): Promise<Product> {
  const { db, kind } = context.storage;
  const now = context.now();
  return db.transaction().execute(async (trx) => {
    const before = await getProduct(trx, code);
    const { retired, ...fields } = patch;
    const { id: productId, ...current } = before;
    const after: Product = { ...current, ...fields };
    const bomChanged = fields.bom !== undefined && !sameBom(before.bom, fields.bom);
    if (bomChanged) {
      const released = await releasedOrderLines(trx, [productId])
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      if (Number(released.count) > 0)
        throw conflict(
          `Product ${code} is on ${Number(released.count)} released order(s), so its bill of materials is fixed; copy it to a new product to change the materials.`,
        );
    }
    if (retired === true && before.retiredAt) throw conflict(`Product ${code} is retired already.`);
    if (retired === false && !before.retiredAt) throw conflict(`Product ${code} is not retired.`);
    const retiredAt = retired === undefined ? before.retiredAt : retired ? now.toISOString() : null;
    const text = searchableText(after);
    await trx
      .updateTable('products')
      .set({
        name_en: after.nameEn,
        name_zh: after.nameZh,
        description_en: after.descriptionEn,
        description_zh: after.descriptionZh,
        attributes: JSON.stringify(after.attributes),
        search_text: text,
        updated_at: now.toISOString(),
        retired_at: retiredAt,
      })
      .where('id', '=', productId)
      .execute();
    if (kind === 'sqlite') {
      await trx
        .deleteFrom('product_search' as never)
        .where('product_id' as never, '=', productId as never)
        .execute();
      await trx
        .insertInto('product_search' as never)
        .values({ product_id: productId, text } as never)
        .execute();
    }
    if (bomChanged) {
      await trx.deleteFrom('bom_items').where('product_id', '=', productId).execute();
      await insertBom(trx, productId, after.bom);
    } else if (fields.bom !== undefined) {
      // The same types, materials and steps, maybe translated: names change freely, even once
      // released (resources already made keep the names they were made with).
      for (const [index, item] of fields.bom.entries()) {
        await trx
          .updateTable('bom_items')
          .set({
            resource_type_zh: item.resourceTypeZh,
            material_name_zh: item.materialNameZh,
            step_zh: item.stepZh,
          })
          .where('product_id', '=', productId)
          .where('position', '=', index + 1)
          .execute();
      }
    }
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    if (changed.length > 0)
      await audit(trx, now, caller, 'product.updated', 'product', code, { changed });
    if (retired !== undefined)
      await audit(
        trx,
        now,
        caller,
        retired ? 'product.retired' : 'product.restored',
        'product',
        code,
      );
    return { ...after, retiredAt };
  });
}

/**
 * The product for a new order line (`line`, its position) or proposal (`line` null): in the
 * catalog and still sold, else a 400 at `path` said by key (core/api/messages.ts).
 */
export async function productForSale(
  db: Db,
  code: string,
  line: number | null,
  path: string,
): Promise<Product & { id: string }> {
  const onLine: MessageParams = line === null ? {} : { line };
  const product = await getProduct(db, code).catch(() => {
    throw said(
      'OT_ERR_VALIDATION',
      {
        key: line === null ? 'msg.product_unknown' : 'msg.line_product_unknown',
        params: { ...onLine, product: code },
      },
      path,
    );
  });
  if (product.retiredAt)
    throw said(
      'OT_ERR_VALIDATION',
      {
        key: line === null ? 'msg.product_retired' : 'msg.line_product_retired',
        params: { ...onLine, product: code, name: product.nameEn, nameZh: product.nameZh },
      },
      path,
    );
  return product;
}

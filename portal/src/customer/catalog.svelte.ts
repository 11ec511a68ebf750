import { searchResultSchema, type Product } from '#core/api/catalog.ts';
import { call, query } from '../lib/api.ts';

/** Catalog search: Chinese or English, by name, description or attribute. */
export class CatalogSearch {
  q = $state('');
  hits = $state<Product[]>([]);
  searched = $state('');
  loading = $state(false);
  error = $state<unknown>(null);

  run = async () => {
    this.loading = true;
    this.error = null;
    try {
      const q = this.q.trim();
      const result = await call(
        searchResultSchema,
        'GET',
        `/api/v1/products${query({ q, limit: '50' })}`,
      );
      this.hits = result.hits.map((hit) => hit.product);
      this.searched = q;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  };
}

export const productName = (product: { nameEn: string; nameZh: string }, locale: string) =>
  locale === 'en' ? product.nameEn : product.nameZh;

export const productDescription = (product: Product, locale: string) =>
  locale === 'en' ? product.descriptionEn : product.descriptionZh;

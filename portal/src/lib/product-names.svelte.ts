import { getContext, setContext } from 'svelte';
import { productSchema } from '#core/api/catalog.ts';
import { call } from './api.ts';

/**
 * Product names by code, fetched once each: orders carry only product codes, and people
 * read names. Until a name arrives (or if it cannot be fetched) the code stands in for it.
 */
export class ProductNames {
  #names = $state<Record<string, { nameEn: string; nameZh: string }>>({});
  #asked = new Set<string>();

  label = (code: string | null, locale: string): string => {
    if (!code) return '';
    const names = this.#names[code];
    if (!names) {
      this.#fetch(code);
      return code;
    }
    return locale === 'en' ? names.nameEn : names.nameZh;
  };

  #fetch(code: string) {
    if (this.#asked.has(code)) return;
    this.#asked.add(code);
    call(productSchema, 'GET', `/api/v1/products/${encodeURIComponent(code)}`).then(
      (product) => (this.#names[code] = { nameEn: product.nameEn, nameZh: product.nameZh }),
      () => undefined, // the code keeps standing in for the name
    );
  }
}

const KEY = Symbol('product-names');
export const setProductNames = (names: ProductNames): ProductNames => setContext(KEY, names);
export const getProductNames = (): ProductNames => getContext<ProductNames>(KEY);

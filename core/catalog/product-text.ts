/*
 * A product's text as the catalog stores and reads it: names, descriptions and attributes,
 * in both languages, normalised the same way everywhere.
 */

export type Attributes = Readonly<Record<string, string | number>>;

/** Full-width to ASCII (NFKC), lower case, single spaces. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function attributesText(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key} ${value}`)
    .join(' ');
}

export interface SearchableProduct {
  code: string;
  nameEn: string;
  nameZh: string;
  descriptionEn: string;
  descriptionZh: string;
  attributes: Attributes;
}

/** Everything a product says about itself, in one normalised string (the products.search_text column). */
export function searchableText(product: SearchableProduct): string {
  return normalize(
    [
      product.code,
      product.nameEn,
      product.nameZh,
      product.descriptionEn,
      product.descriptionZh,
      attributesText(product.attributes),
    ].join(' '),
  );
}

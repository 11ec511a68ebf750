import { productSchema, type BomItem, type Product } from '#core/api/catalog.ts';
import { call } from '../lib/api.ts';

/** The suffix of an attribute's Chinese value (`material_zh`), core/text/bilingual.ts. */
const ZH = '_zh';

/** A new bill-of-materials row: English and Chinese names to fill (the Chinese may stay empty). */
const emptyItem = (): BomItem => ({
  resourceType: '',
  resourceTypeZh: '',
  materialName: '',
  materialNameZh: '',
  quantityPerUnit: 1,
  step: '',
  stepZh: '',
});

/** A product being written: names in both languages, attributes and its bill of materials. */
export class ProductDraft {
  nameEn = $state('');
  nameZh = $state('');
  descriptionEn = $state('');
  descriptionZh = $state('');
  /** `key=value` lines: the attributes' English (or numeric) values. */
  attributes = $state('');
  /** `key=value` lines: the Chinese values of the same keys (stored as `key_zh`). */
  attributesZh = $state('');
  bom = $state<BomItem[]>([emptyItem()]);
  complete = $derived(
    this.nameEn.trim() !== '' &&
      this.nameZh.trim() !== '' &&
      this.bom.length > 0 &&
      this.bom.every(
        (item) => item.resourceType.trim() && item.materialName.trim() && item.step.trim(),
      ),
  );

  /** A draft starting from an existing product's data and bill of materials (a variant of it). */
  static from(product: Product): ProductDraft {
    const draft = new ProductDraft();
    draft.nameEn = product.nameEn;
    draft.nameZh = product.nameZh;
    draft.descriptionEn = product.descriptionEn;
    draft.descriptionZh = product.descriptionZh;
    const lines = (entries: [string, string | number][]) =>
      entries.map(([key, value]) => `${key}=${value}`).join('\n');
    const entries = Object.entries(product.attributes);
    draft.attributes = lines(entries.filter(([key]) => !key.endsWith(ZH)));
    draft.attributesZh = lines(
      entries
        .filter(([key]) => key.endsWith(ZH))
        .map(([key, value]) => [key.slice(0, -ZH.length), value]),
    );
    // Rows from before Chinese names may lack them: the inputs start empty, never undefined.
    draft.bom = product.bom.map((item) => ({
      ...item,
      resourceTypeZh: item.resourceTypeZh ?? '',
      materialNameZh: item.materialNameZh ?? '',
      stepZh: item.stepZh ?? '',
    }));
    return draft;
  }

  addItem = () => {
    this.bom.push(emptyItem());
  };

  removeItem = (index: number) => {
    this.bom.splice(index, 1);
  };

  /**
   * Both boxes' `key=value` lines as the catalog stores them: a number stays a number
   * (width_cm=160), a Chinese value goes under `key_zh` (material=橡木 → material_zh). A
   * `key_zh=` line in the first box (the way before the second box) is read too, and wins.
   */
  parsedAttributes = (): Record<string, string | number> => {
    const entries: [string, string | number][] = [];
    for (const [text, suffix] of [
      [this.attributesZh, ZH],
      [this.attributes, ''],
    ] as const) {
      for (const line of text.split('\n')) {
        const at = line.indexOf('=');
        const key = line.slice(0, at).trim();
        if (at < 1 || !key) continue;
        const value = line.slice(at + 1).trim();
        entries.push([
          `${key}${suffix}`,
          suffix === '' && value !== '' && Number.isFinite(Number(value)) ? Number(value) : value,
        ]);
      }
    }
    return Object.fromEntries(entries) as Record<string, string | number>;
  };

  #body = () => ({
    nameEn: this.nameEn,
    nameZh: this.nameZh,
    descriptionEn: this.descriptionEn,
    descriptionZh: this.descriptionZh,
    attributes: this.parsedAttributes(),
    bom: this.bom.map((item) => ({ ...item, quantityPerUnit: Number(item.quantityPerUnit) })),
  });

  create = (): Promise<Product> => call(productSchema, 'POST', '/api/v1/products', this.#body());

  /** Save the draft over product `code` (the server refuses a changed bill of materials once it is fixed). */
  save = (code: string): Promise<Product> =>
    call(productSchema, 'PATCH', `/api/v1/products/${encodeURIComponent(code)}`, this.#body());
}

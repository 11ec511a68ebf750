import type { LabelFieldValues } from '#core/labels/label-fields.ts';
import { fillText } from '#core/labels/label-fields.ts';
import type { LabelTemplate } from '#core/labels/template-schema.ts';
import { readsChinese } from '#core/text/bilingual.ts';
import { labelFont } from './font.ts';
import { layoutBarcode } from './layout-barcode.ts';
import { layoutText } from './layout-text.ts';
import type { LabelLayout, LaidItem } from './layout-types.ts';

export type * from './layout-types.ts';
export { LabelLayoutError } from './layout-barcode.ts';

/**
 * Lay out one label in `language` ('en', 'zh-CN'): a text element's `textZh` on a Chinese
 * label. Throws LabelLayoutError when a symbol cannot fit its box.
 */
export function layoutLabel(
  template: LabelTemplate,
  values: LabelFieldValues,
  language = 'en',
): LabelLayout {
  const font = labelFont();
  const chinese = readsChinese(language);
  const items: LaidItem[] = [];
  const truncated: string[] = [];
  for (const element of template.elements) {
    if (element.when && !values[element.when as keyof LabelFieldValues]) continue;
    if (element.type === 'rule') {
      items.push({ type: 'rule', box: [element.x, element.y, element.width, element.height] });
    } else if (element.type === 'text') {
      const written = chinese && element.textZh ? element.textZh : element.text;
      const text = fillText(written, values);
      if (text === undefined) continue;
      const laid = layoutText(element, text, font);
      if (laid.truncated) truncated.push(written);
      items.push(laid);
    } else {
      const data = values[element.field as keyof LabelFieldValues];
      if (data) items.push(layoutBarcode(element, data, template.dpi));
    }
  }
  return {
    templateId: template.id,
    widthMm: template.widthMm,
    heightMm: template.heightMm,
    dpi: template.dpi,
    items,
    truncated,
  };
}
